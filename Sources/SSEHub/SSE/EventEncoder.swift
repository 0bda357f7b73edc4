/// Encodes events into the `text/event-stream` wire format (WHATWG HTML, "Server-sent events",
/// §9.2.5 "Parsing an event stream").
///
/// Output uses LF line endings only and never a byte-order mark. Data is split on CRLF, CR and LF, each piece
/// becoming its own `data:` line, because a client treats all three as line ends: an unsplit CR would end the
/// field early and the rest would be read as a new field.
package enum EventEncoder {
    /// Whether `value` may appear in an `id:` or `event:` field: CR and LF would end the field and NUL makes a
    /// client ignore an id (§9.2.6: "If the field value does not contain U+0000 NULL").
    package static func isValidFieldValue(_ value: some Collection<UInt8>) -> Bool {
        !value.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }
    }

    /// The bytes of one event. `event` and `id` must satisfy `isValidFieldValue`.
    package static func encode(id: String?, event: String?, data: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 64)
        if let id {
            out.append(contentsOf: "id: ".utf8)
            out.append(contentsOf: id.utf8)
            out.append(0x0A)
        }
        if let event {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: event.utf8)
            out.append(0x0A)
        }
        appendData(data, to: &out)
        out.append(0x0A)
        return out
    }

    /// `data:` lines for `data`. Empty data still produces one empty `data:` line, so the event is dispatched
    /// (a block with no data field is dropped by the client).
    static func appendData(_ data: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: "data: ".utf8)
        var previousWasCR = false
        for byte in data {
            switch byte {
            case 0x0D:
                out.append(contentsOf: "\ndata: ".utf8)
                previousWasCR = true
            case 0x0A:
                // LF right after CR is the second half of one CRLF line break.
                if !previousWasCR { out.append(contentsOf: "\ndata: ".utf8) }
                previousWasCR = false
            default:
                out.append(byte)
                previousWasCR = false
            }
        }
        out.append(0x0A)
    }

    /// A `retry:` line telling the client how long to wait before reconnecting.
    package static func retry(milliseconds: Int) -> [UInt8] {
        Array("retry: \(milliseconds)\n\n".utf8)
    }

    /// A comment line: ignored by clients, it keeps intermediaries from cutting an idle stream.
    package static let keepalive: [UInt8] = Array(":\n\n".utf8)
}
