/// Turns any `Encodable` value into a `TemplateValue` through the `Encoder` protocol: no reflection and no
/// JSON round trip. Dates and other types encode however their `encode(to:)` says.
public enum TemplateValueEncoder {
    /// `value` as a template value: keyed containers become objects, unkeyed ones lists.
    /// - Throws: whatever `value`'s `encode(to:)` throws.
    public static func encode(_ value: some Encodable) throws -> TemplateValue {
        let root = Box()
        try value.encode(to: ValueEncoder(box: root, codingPath: []))
        return root.resolved
    }

    /// Where an encoder writes; containers share boxes so nested values land in their parent.
    final class Box {
        var value: TemplateValue = .null
        var object: [String: Box]?
        var list: [Box]?

        var resolved: TemplateValue {
            if let object { return .object(object.mapValues(\.resolved)) }
            if let list { return .list(list.map(\.resolved)) }
            return value
        }
    }

    struct ValueEncoder: Encoder {
        let box: Box
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if box.object == nil { box.object = [:] }
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if box.list == nil { box.list = [] }
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(box: box, codingPath: codingPath)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        let codingPath: [any CodingKey]

        private func child(_ key: Key) -> Box {
            let child = Box()
            box.object?[key.stringValue] = child
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).value = .null }
        mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).value = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { child(key).value = .string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { child(key).value = .number(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { child(key).value = .number(Double(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { child(key).value = .number(Double(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try value.encode(to: ValueEncoder(box: child(key), codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            ValueEncoder(box: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            ValueEncoder(box: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder(box: box, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            ValueEncoder(box: child(key), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        let codingPath: [any CodingKey]
        var count: Int { box.list?.count ?? 0 }

        private func next() -> Box {
            let child = Box()
            box.list?.append(child)
            return child
        }

        mutating func encodeNil() throws { next().value = .null }
        mutating func encode(_ value: Bool) throws { next().value = .bool(value) }
        mutating func encode(_ value: String) throws { next().value = .string(value) }
        mutating func encode(_ value: Double) throws { next().value = .number(value) }
        mutating func encode(_ value: Int) throws { next().value = .number(Double(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try value.encode(to: ValueEncoder(box: next(), codingPath: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            ValueEncoder(box: next(), codingPath: codingPath).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            ValueEncoder(box: next(), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder(box: next(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { box.value = .null }
        mutating func encode(_ value: Bool) throws { box.value = .bool(value) }
        mutating func encode(_ value: String) throws { box.value = .string(value) }
        mutating func encode(_ value: Double) throws { box.value = .number(value) }
        mutating func encode(_ value: Float) throws { box.value = .number(Double(value)) }
        mutating func encode(_ value: Int) throws { box.value = .number(Double(value)) }
        mutating func encode(_ value: Int64) throws { box.value = .number(Double(value)) }
        mutating func encode(_ value: UInt64) throws { box.value = .number(Double(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try value.encode(to: ValueEncoder(box: box, codingPath: codingPath))
        }
    }
}

extension TemplateValue {
    /// Any `Encodable` value as a template context.
    /// - Throws: whatever `value`'s `encode(to:)` throws.
    public init(encoding value: some Encodable) throws {
        self = try TemplateValueEncoder.encode(value)
    }
}
