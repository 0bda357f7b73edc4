/// Reads a Prometheus text page (format 0.0.4) by the format's rules and fails on any break of them: a
/// family's `# HELP` and `# TYPE` come once, before its samples; names and label names are legal; values
/// parse; samples belong to the family declared before them; no series repeats; histogram buckets are
/// cumulative and end at `+Inf`, which equals `_count`; counters are named `_total`.
struct PrometheusPage {
    struct Family {
        var type = ""
        var help: String?
        var samples: [(name: String, labels: [String: String], value: Double)] = []
    }

    struct Violation: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    private(set) var families: [String: Family] = [:]

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Violation(line: 0, reason: "the page must end with a line feed") }
        var current: String?
        var series = Set<String>()
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = offset + 1
            func fail(_ reason: String) -> Violation { Violation(line: number, reason: reason) }
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1).map(String.init)
                guard let name = parts.first, Self.isMetricName(name) else { throw fail("bad family name") }
                if line.hasPrefix("# TYPE ") {
                    guard parts.count == 2, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1])
                    else { throw fail("bad type") }
                    guard families[name]?.type.isEmpty ?? true, families[name]?.samples.isEmpty ?? true else {
                        throw fail("TYPE of \(name) repeated or after its samples")
                    }
                    families[name, default: Family()].type = parts[1]
                    if parts[1] == "counter" && !name.hasSuffix("_total") { throw fail("counter \(name) lacks _total") }
                } else {
                    guard families[name]?.help == nil else { throw fail("HELP of \(name) repeated") }
                    families[name, default: Family()].help = parts.count == 2 ? parts[1] : ""
                }
                current = name
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw fail("unexpected line") }
            let (name, labels, value) = try Self.sample(String(line), fail)
            guard let family = current,
                name == family
                    || (families[family]?.type == "histogram"
                        && ["_bucket", "_sum", "_count"].contains {
                            name == family + $0
                        })
            else { throw fail("sample \(name) outside its family") }
            let key =
                name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            guard series.insert(key).inserted else { throw fail("series \(key) repeated") }
            families[family]!.samples.append((name, labels, value))
        }
        for (name, family) in families {
            guard !family.type.isEmpty, family.help != nil else {
                throw Violation(line: 0, reason: "\(name) lacks HELP or TYPE")
            }
            guard family.type == "histogram" else { continue }
            let buckets = family.samples.filter { $0.name == name + "_bucket" }
            guard let last = buckets.last, last.labels["le"] == "+Inf" else {
                throw Violation(line: 0, reason: "\(name) does not end at le=\"+Inf\"")
            }
            for (a, b) in zip(buckets, buckets.dropFirst()) where a.value > b.value {
                throw Violation(line: 0, reason: "\(name) buckets are not cumulative")
            }
            guard family.samples.first(where: { $0.name == name + "_count" })?.value == last.value else {
                throw Violation(line: 0, reason: "\(name)_count differs from its +Inf bucket")
            }
        }
    }

    /// The value of `name`'s sample with exactly `labels` (nil when absent).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for family in families.values {
            if let sample = family.samples.first(where: { $0.name == name && $0.labels == labels }) {
                return sample.value
            }
        }
        return nil
    }

    /// The sum of `name` over all its label sets.
    func total(_ name: String) -> Double {
        families.values.flatMap(\.samples).filter { $0.name == name }.map(\.value).reduce(0, +)
    }

    static func isMetricName(_ name: String) -> Bool {
        // [a-zA-Z_:][a-zA-Z0-9_:]*
        func starts(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x3A
        }
        guard let first = name.utf8.first, starts(first) else { return false }
        return name.utf8.allSatisfy { starts($0) || (0x30...0x39).contains($0) }
    }

    private static func sample(_ line: String, _ fail: (String) -> Violation) throws -> (
        String, [String: String], Double
    ) {
        var rest = Substring(line)
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard isMetricName(name) else { throw fail("bad sample name \(name)") }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest.removeFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { throw fail("label without =") }
                let label = String(rest[..<equals])
                guard isMetricName(label), !label.contains(":") else { throw fail("bad label name \(label)") }
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { throw fail("label value not quoted") }
                rest.removeFirst()
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest.removeFirst()
                    if character == "\\" {
                        guard let escaped = rest.popFirst(), "\\\"n".contains(escaped) else { throw fail("bad escape") }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.popFirst() == "\"" else { throw fail("label value not closed") }
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) repeated") }
                if rest.first == "," { rest.removeFirst() }
            }
            rest.removeFirst()
        }
        guard rest.popFirst() == " " else { throw fail("no space before the value") }
        let text = String(rest)
        guard let value = ["+Inf": Double.infinity, "-Inf": -Double.infinity, "NaN": Double.nan][text] ?? Double(text)
        else { throw fail("bad value \(text)") }
        return (name, labels, value)
    }
}
