/// The data of every benchmark event: `s<sequence>t<sent ns>p` then padding to the payload size. The publisher
/// stamps `CLOCK_MONOTONIC` nanoseconds; subscribers on the same host subtract it from their own clock.
public enum Payload {
    public static func make(sequence: Int, sentAt: UInt64, size: Int) -> [UInt8] {
        var bytes = Array("s\(sequence)t\(sentAt)p".utf8)
        if bytes.count < size { bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size - bytes.count)) }
        return bytes
    }

    /// The sequence number and send time, or nil for data that is not a benchmark payload.
    public static func parse(_ bytes: [UInt8]) -> (sequence: Int, sentAt: UInt64)? {
        guard bytes.first == UInt8(ascii: "s") else { return nil }
        var index = 1
        var sequence = 0
        var digits = 0
        while index < bytes.count, let digit = decimal(bytes[index]) {
            sequence = sequence * 10 + digit
            index += 1
            digits += 1
        }
        guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: "t") else { return nil }
        index += 1
        var sentAt: UInt64 = 0
        digits = 0
        while index < bytes.count, let digit = decimal(bytes[index]) {
            sentAt = sentAt * 10 + UInt64(digit)
            index += 1
            digits += 1
        }
        guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: "p") else { return nil }
        return (sequence, sentAt)
    }

    private static func decimal(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }
}
