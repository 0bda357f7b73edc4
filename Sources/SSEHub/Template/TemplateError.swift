/// A template that cannot be parsed or rendered, with where: `file:line:column: what is wrong`.
public struct TemplateError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The template file (or in-memory name) the error is in.
    public let file: String
    /// The line, from 1.
    public let line: Int
    /// The column, from 1.
    public let column: Int
    /// What is wrong there.
    public let message: String

    /// `file:line:column: message`, as compilers print it.
    public var description: String { "\(file):\(line):\(column): \(message)" }

    /// An error at `line` and `column` of `file`.
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
