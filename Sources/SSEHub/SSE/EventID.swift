/// An event's id: the hub's boot stamp and the event's position in that boot's single sequence.
///
/// Text form `epoch-sequence` (decimal). The sequence is shared by all channels, so one `Last-Event-ID` is a
/// position in every channel of a multi-channel stream; the epoch (wall-clock milliseconds at boot) makes an id
/// from an earlier run recognisable instead of being misread as a position in this one.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Wall-clock milliseconds at the boot of the hub (or the group) that issued the id.
    public let epoch: UInt64
    /// The event's place in that boot's one sequence, shared by all channels.
    public let sequence: UInt64

    /// An id from its two parts.
    public init(epoch: UInt64, sequence: UInt64) {
        self.epoch = epoch
        self.sequence = sequence
    }

    /// The text form, `epoch-sequence`, as sent in `id:` lines and read from `Last-Event-ID`.
    public var description: String { "\(epoch)-\(sequence)" }

    /// Appends the text form without building a String.
    func append(to out: inout [UInt8]) {
        ASCII.appendDecimal(epoch, to: &out)
        out.append(UInt8(ascii: "-"))
        ASCII.appendDecimal(sequence, to: &out)
    }

    /// Parses the text form; nil for anything else (which a resume treats as an unknown id).
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard let dash = utf8.firstIndex(of: UInt8(ascii: "-")),
            let epoch = Self.decimal(utf8[..<dash]),
            let sequence = Self.decimal(utf8[(dash + 1)...])
        else { return nil }
        self.init(epoch: epoch, sequence: sequence)
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 20 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// Orders by epoch, then by sequence: a later boot's ids come after an earlier one's.
    public static func < (lhs: EventID, rhs: EventID) -> Bool {
        (lhs.epoch, lhs.sequence) < (rhs.epoch, rhs.sequence)
    }
}
