/// A compiled route pattern: literal segments, `{name}` segments and a trailing `{name*}`.
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "route pattern \(text) must start with /")
        self.text = text
        let parts = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        segments = parts.enumerated().map { index, part in
            guard part.hasPrefix("{") && part.hasSuffix("}") else {
                precondition(!part.contains("{") && !part.contains("}"), "route pattern \(text): bad segment \(part)")
                return .literal(String(part))
            }
            let name = part.dropFirst().dropLast()
            if name.hasSuffix("*") {
                precondition(index == parts.count - 1, "route pattern \(text): {\(name)} must be the last segment")
                return .rest(String(name.dropLast()))
            }
            precondition(!name.isEmpty, "route pattern \(text): a parameter needs a name")
            return .parameter(String(name))
        }
    }

    /// Orders patterns so the first that matches is the most specific: each literal segment counts, a rest
    /// parameter counts against.
    var specificity: Int {
        segments.reduce(0) { total, segment in
            switch segment {
            case .literal: total + 100
            case .parameter: total + 10
            case .rest: total - 1000
            }
        }
    }

    /// A path's segments after the leading `/`, still percent-encoded (so an encoded `/` stays inside one).
    static func segments(of path: Substring) -> [Substring] {
        path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    }

    /// The parameters, percent-decoded, if `path` matches; an empty segment never fills a parameter.
    func match(_ path: [Substring]) -> [(name: String, value: String)]? {
        var parameters: [(name: String, value: String)] = []
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(let literal):
                guard index < path.count, path[index] == literal else { return nil }
            case .parameter(let name):
                guard index < path.count, !path[index].isEmpty else { return nil }
                parameters.append((name, Self.decoded(path[index])))
            case .rest(let name):
                guard index < path.count else { return nil }
                let rest = path[index...].joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                parameters.append((name, Self.decoded(Substring(rest))))
                return parameters
            }
        }
        return path.count == segments.count ? parameters : nil
    }

    private static func decoded(_ text: Substring) -> String {
        String(decoding: FormDecoder.percentDecoded(text.utf8, plusIsSpace: false), as: UTF8.self)
    }
}
