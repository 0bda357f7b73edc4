/// A template that cannot be parsed or rendered, with where: `file:line:column: what is wrong`.
public struct TemplateError: Error, Sendable, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }

    public init(_ message: String, file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// The error at byte `offset` of `source`; lines and columns count from 1, columns in bytes.
    init(_ message: String, file: String, source: [UInt8], offset: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, source.count) where source[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        self.file = file
        self.line = line
        self.column = offset - lineStart + 1
        self.message = message
    }
}
