/// A value a template renders: a closed set of cases, looked up by key without reflection.
public enum TemplateValue: Sendable, Equatable {
    /// Nothing: renders as empty, falsey in sections.
    case null
    /// A flag: `{{#flag}}` renders its section when true.
    case bool(Bool)
    /// A number: integers render without a fraction.
    case number(Double)
    /// Text, HTML-escaped by `{{name}}` and written as is by `{{{name}}}`.
    case string(String)
    /// A list: a section renders once per element.
    case list([TemplateValue])
    /// Named members, looked up by dotted names (`card.title`).
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
    /// A string literal as `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal as `.number`.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A floating-point literal as `.number`.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// `true` or `false` as `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal as `.list`.
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    /// `nil` as `.null`.
    public init(nilLiteral: ()) { self = .null }

    /// A dictionary literal as `.object`; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var object: [String: TemplateValue] = [:]
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
