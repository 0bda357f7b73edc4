import Glibc
import Synchronization

/// One line per event that matters (start, stop, drain, Redis state changes, access entries), as text for a
/// terminal or as JSON for log shippers. Safe from any thread: the format is an atomic set once at start, and each
/// line is one `write(2)`, so lines from different threads never interleave.
package enum Log {
    package enum Format: String, Sendable {
        /// `source: message key=value ...`, as the hub always printed.
        case text
        /// One JSON object per line (RFC 8259): `time` (RFC 3339, UTC, milliseconds), `level`, `source`,
        /// `message`, then the fields.
        case json
    }

    package enum Level: String, Sendable {
        case info, warning, error
    }

    private static let jsonFormat = Atomic<Bool>(false)

    /// How lines are written; set before the hub starts.
    package static var format: Format {
        get { jsonFormat.load(ordering: .relaxed) ? .json : .text }
        set { jsonFormat.store(newValue == .json, ordering: .relaxed) }
    }

    package static func info(_ source: String, _ message: String, _ fields: [(String, JSONValue)] = []) {
        write(.info, source, message, fields)
    }

    package static func warning(_ source: String, _ message: String, _ fields: [(String, JSONValue)] = []) {
        write(.warning, source, message, fields)
    }

    package static func error(_ source: String, _ message: String, _ fields: [(String, JSONValue)] = []) {
        write(.error, source, message, fields)
    }

    /// Info to stdout; warnings and errors to stderr, as before there were levels.
    package static func write(_ level: Level, _ source: String, _ message: String, _ fields: [(String, JSONValue)]) {
        let fd: Int32 = level == .info ? 1 : 2
        var line = render(level, source, message, fields, format: format, time: WallClock.millisecondsSinceEpoch())
        line.append(0x0A)
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// The line without its LF.
    package static func render(
        _ level: Level, _ source: String, _ message: String, _ fields: [(String, JSONValue)], format: Format,
        time: UInt64
    ) -> [UInt8] {
        switch format {
        case .json:
            let members: [(String, JSONValue)] =
                [
                    ("time", .string(timestamp(millisecondsSinceEpoch: time))), ("level", .string(level.rawValue)),
                    ("source", .string(source)), ("message", .string(message)),
                ] + fields
            return JSONValue.object(members).serialized()
        case .text:
            var line = Array("\(source): \(message)".utf8)
            for (name, value) in fields {
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: name.utf8)
                line.append(UInt8(ascii: "="))
                textValue(value, to: &line)
            }
            return line
        }
    }

    /// Plain when the value has no space, quote or control byte; otherwise as a JSON string, so a line still
    /// splits on spaces.
    private static func textValue(_ value: JSONValue, to line: inout [UInt8]) {
        guard case .string(let text) = value else {
            value.write(to: &line)
            return
        }
        if !text.isEmpty && !text.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x7F }) {
            line.append(contentsOf: text.utf8)
        } else {
            JSONValue.writeString(text, to: &line)
        }
    }

    /// RFC 3339 §5.6 in UTC with milliseconds: `2026-12-04T01:02:03.456Z`.
    package static func timestamp(millisecondsSinceEpoch: UInt64) -> String {
        var seconds = time_t(millisecondsSinceEpoch / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let date = "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))"
        let clock = "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))"
        return "\(date)T\(clock).\(padded(Int32(millisecondsSinceEpoch % 1000), 3))Z"
    }
}
