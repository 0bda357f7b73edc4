import FuzzSupport
import SSEHub

// The Last-Event-ID parser, against the obvious reading of `epoch-sequence` with the standard library's integer
// parsing; its text form must parse back to itself; and the `reset` event that quotes an id the hub cannot honour
// must stay one well-formed event whatever the id holds (a query parameter can carry CR, LF and NUL).

/// 1-20 decimal digits (the standard library would also take a sign), within `UInt64`. No hub writes leading
/// zeros, so more than 20 digits is never an id even when the value would fit.
func referenceDecimal(_ text: Substring) -> UInt64? {
    guard !text.isEmpty, text.utf8.count <= 20,
        text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else {
        return nil
    }
    return UInt64(text)
}

func referenceID(_ text: String) -> EventID? {
    guard let dash = text.firstIndex(of: "-"), let epoch = referenceDecimal(text[..<dash]),
        let sequence = referenceDecimal(text[text.index(after: dash)...])
    else { return nil }
    return EventID(epoch: epoch, sequence: sequence)
}

/// The fields of one encoded event; nil unless it is exactly `id`, `event` and `data` lines and the blank line.
func fields(_ frame: [UInt8]) -> [(String, String)]? {
    guard !frame.contains(0x0D), frame.suffix(2) == [0x0A, 0x0A] else { return nil }
    let lines = frame.dropLast(2).split(separator: 0x0A, omittingEmptySubsequences: false)
    return lines.map { line in
        let text = String(decoding: line, as: UTF8.self)
        let colon = text.firstIndex(of: ":") ?? text.endIndex
        return (String(text[..<colon]), String(text[colon...].dropFirst(2)))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let id = EventID(text)
    require(
        id == referenceID(text),
        "\(text) parses as \(String(describing: id)), expected \(String(describing: referenceID(text)))")
    require(ResumePoint(text).id == id, "ResumePoint disagrees with EventID")
    if let id {
        require(EventID(id.description) == id, "\(id) does not parse back")
    }
    let position = EventID(epoch: 1_795_311_777_843, sequence: 42)
    let frame = ChannelTable.resetFrame(position: position, reason: "why", channels: ["news"], lastEventID: text)
    guard let fields = fields(frame.bytes), fields.count == 3 else { fatalError("reset frame is not one event") }
    require(fields[0] == ("id", position.description) && fields[1] == ("event", "reset"), "reset frame head")
    require(fields[2].0 == "data", "reset frame has no single data line")
    let json = try? JSONParser.parse(Array(fields[2].1.utf8))
    require(json?["lastEventId"] == .string(text), "reset data does not quote the id")
    return 0
}

FuzzDriver.run(fuzzOne)
