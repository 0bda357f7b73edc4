import Testing

@testable import SSEHub

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5e2, true, false, null], "b": {"c": "d\u00e9\n\ud83d\ude00"}} "#)
        #expect(value["a"] == .array([.number(1), .number(-250), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("dé\n😀"))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"\u{01}\"", "tru", "{} x", "\"\\ud800\"", "[1 2]",
        "1e999", "-1e999", "[1e400]",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    /// Issue 8 item 17: RFC 8259 §4 leaves duplicate names unpredictable, and publish fields took the first while
    /// template contexts took the last. One rule everywhere: refused, naming the key (a gateway that reads the
    /// other copy cannot be fooled), also in nested objects and past the small-object scan.
    @Test func rejectsDuplicateKeysNamingThem() throws {
        let many = (0..<40).map { "\"k\($0)\":1" }.joined(separator: ",")
        for text in [#"{"a":1,"a":2}"#, #"{"x":{"b":1,"c":2,"b":3}}"#, "{\(many),\"k7\":2}"] {
            #expect {
                try parse(text)
            } throws: { error in
                (error as? JSONParseError)?.reason.hasPrefix("duplicate key") == true
            }
        }
        _ = try parse("{\(many)}")
        _ = try parse(#"[{"a":1},{"a":2}]"#)
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func limitsNesting() throws {
        let deep =
            String(repeating: "[", count: JSONParser.maxDepth + 1)
            + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONParseError.self) { try parse(deep) }
        let allowed =
            String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try parse(allowed)
    }

    @Test func serializesWhatItParses() throws {
        let text = #"{"s":"q\"\\\n\u0001","n":[1,2.5,-3],"o":{},"e":[]}"#
        #expect(String(decoding: try parse(text).serialized(), as: UTF8.self) == text)
    }
}
