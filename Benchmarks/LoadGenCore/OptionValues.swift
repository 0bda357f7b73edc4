/// A command line's `--name value` pairs, for the benchmark programs (load generator, soak). Read-only.
public struct OptionValues: Sendable {
    public let values: [String: String]

    public init(_ arguments: [String]) {
        var values: [String: String] = [:]
        var index = 0
        while index + 1 < arguments.count {
            values[String(arguments[index].drop { $0 == "-" })] = arguments[index + 1]
            index += 2
        }
        self.values = values
    }

    /// The value of `--name`, or `fallback` when it is missing or does not parse.
    public func value<T: LosslessStringConvertible>(_ name: String, _ fallback: T) -> T {
        values[name].flatMap(T.init) ?? fallback
    }
}
