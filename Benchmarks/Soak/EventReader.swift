/// An incremental `text/event-stream` parser (WHATWG HTML §9.2.6) that hands each event's id, name and
/// data to its caller: the soak checks ids, so it needs them per event (the load generator's parser keeps
/// only the last). LF, CR and CRLF line ends, split anywhere across reads.
struct EventReader {
    struct Event {
        var id: [UInt8]?
        var name: [UInt8] = []
        var data: [UInt8] = []
    }

    private var line: [UInt8] = []
    private var current = Event()
    private var hasData = false
    private var previousWasCR = false

    mutating func feed(_ bytes: ArraySlice<UInt8>, onEvent: (Event) -> Void) {
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

    private mutating func endLine(_ onEvent: (Event) -> Void) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            // An event with an id but no data (a bare id) still moves Last-Event-ID; the soak sends none.
            if hasData { onEvent(current) }
            current = Event()
            hasData = false
            return
        }
        guard line[0] != UInt8(ascii: ":") else { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var start = min(colon + 1, line.count)
        if start < line.count && line[start] == UInt8(ascii: " ") { start += 1 }
        let value = Array(line[start...])
        switch String(decoding: line[0..<colon], as: UTF8.self) {
        case "data":
            if hasData { current.data.append(0x0A) }
            current.data += value
            hasData = true
        case "id": current.id = value
        case "event": current.name = value
        default: break
        }
    }
}
