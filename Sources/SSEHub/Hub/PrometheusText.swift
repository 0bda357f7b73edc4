/// Writes the Prometheus text exposition format, version 0.0.4: per family one `# HELP` and one `# TYPE` line,
/// then its samples; label values escape `\`, `"` and line feeds, help text `\` and line feeds.
package struct PrometheusText {
    package enum Kind: String {
        case counter, gauge, histogram
    }

    /// The media type of the format (what `GET /metrics` answers with).
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package private(set) var text = ""

    package init() {}

    /// One family of a single sample without labels.
    package mutating func add(_ name: String, _ kind: Kind, _ help: String, _ value: Int) {
        add(name, kind, help, samples: [([], Double(value))])
    }

    /// One family: its samples, each with its labels (name, value).
    package mutating func add(
        _ name: String, _ kind: Kind, _ help: String, samples: [(labels: [(String, String)], value: Double)]
    ) {
        header(name, kind, help)
        for sample in samples { line(name, sample.labels, sample.value) }
    }

    /// A histogram from per-bucket (not cumulative) counts: `bounds` are the upper bounds in the family's unit,
    /// `counts` has one more entry than `bounds`, for +Inf.
    package mutating func addHistogram(
        _ name: String, _ help: String, bounds: [Double], counts: [Int], sum: Double
    ) {
        precondition(counts.count == bounds.count + 1, "a histogram needs a count per bound and one for +Inf")
        header(name, .histogram, help)
        var cumulative = 0
        for (index, count) in counts.enumerated() {
            cumulative += count
            let bound = index < bounds.count ? Self.number(bounds[index]) : "+Inf"
            line(name + "_bucket", [("le", bound)], Double(cumulative))
        }
        line(name + "_sum", [], sum)
        line(name + "_count", [], Double(cumulative))
    }

    private mutating func header(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escaped(help, quotes: false))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.0)=\"\(Self.escaped($0.1, quotes: true))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " \(Self.number(value))\n"
    }

    /// Whole numbers without a fraction (counters read better), others as Swift prints a `Double`.
    static func number(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    static func escaped(_ text: String, quotes: Bool) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where quotes: result += "\\\""
            default: result.append(character)
            }
        }
        return result
    }
}
