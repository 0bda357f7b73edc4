/// A value a template renders: a closed set of cases, looked up by key without reflection.
public enum TemplateValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// Mustache truthiness: null, false, an empty list and an empty string are falsey; everything else,
    /// including 0 and an empty object, is truthy.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .string(let value): !value.isEmpty
        case .list(let items): !items.isEmpty
        case .number, .object: true
        }
    }

    /// A member of an object, or an element of a list by decimal index (`{{#tags.0}}`: "has a first tag").
    subscript(key: String) -> TemplateValue? {
        switch self {
        case .object(let members): return members[key]
        case .list(let items):
            guard let index = Int(key), items.indices.contains(index) else { return nil }
            return items[index]
        default: return nil
        }
    }

    /// The text an interpolation writes: integers without a fraction, lists and objects as nothing.
    func appendText(to out: inout [UInt8]) {
        switch self {
        case .null, .list, .object: break
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .string(let value): out.append(contentsOf: value.utf8)
        case .number(let value): out.append(contentsOf: JSONValue.format(value).utf8)
        }
    }
}

extension TemplateValue {
    /// The same value from parsed JSON (a `POST /broadcast` context).
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let items): self = .list(items.map(TemplateValue.init))
        case .object(let members):
            var object: [String: TemplateValue] = [:]
            for (key, value) in members { object[key] = TemplateValue(value) }
            self = .object(object)
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var object: [String: TemplateValue] = [:]
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
