/// An incremental `text/event-stream` parser for the load generator and the soak (WHATWG HTML §9.2.6): LF, CRLF
/// and CR line ends split anywhere across reads, comments, multi-line data joined with LF, the last event ID
/// kept across events as a browser keeps it. Calls back per event with its bytes, so a million events cost no
/// String allocations.
public struct StreamParser {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var previousWasCR = false
    public private(set) var comments = 0
    public private(set) var lastEventID: [UInt8] = []
    public private(set) var eventName: [UInt8] = []

    public init() {
        line.reserveCapacity(256)
        data.reserveCapacity(256)
    }

    /// Feeds bytes; `onEvent` gets each complete event's data, event name and the last event ID at its dispatch
    /// (what a browser would send as `Last-Event-ID`; empty when there is none).
    public mutating func feed(
        _ bytes: UnsafeRawBufferPointer, onEvent: (_ data: [UInt8], _ event: [UInt8], _ lastEventID: [UInt8]) -> Void
    ) {
        for byte in bytes {
            if previousWasCR {
                previousWasCR = false
                if byte == 0x0A { continue }
            }
            if byte == 0x0A || byte == 0x0D {
                previousWasCR = byte == 0x0D
                endLine(onEvent)
            } else {
                line.append(byte)
            }
        }
    }

    private mutating func endLine(_ onEvent: (_ data: [UInt8], _ event: [UInt8], _ lastEventID: [UInt8]) -> Void) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if hasData { onEvent(data, eventName, lastEventID) }
            data.removeAll(keepingCapacity: true)
            eventName.removeAll(keepingCapacity: true)
            hasData = false
            return
        }
        if line[0] == UInt8(ascii: ":") {
            comments += 1
            return
        }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let name = line[0..<colon]
        let value = line[valueStart...]
        if name.elementsEqual("data".utf8) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        } else if name.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = Array(value) }
        } else if name.elementsEqual("event".utf8) {
            eventName = Array(value)
        }
    }
}
