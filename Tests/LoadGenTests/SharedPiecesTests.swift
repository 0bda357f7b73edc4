import LoadGenCore
import Testing

/// The pieces the load generator and the soak share besides the parser (LoadGenCore).
@Suite struct SharedPiecesTests {
    @Test func sharesCoverEveryItemOnceAndLeaveEmptyWorkersOut() {
        #expect(WorkerProcess.shares(of: 3000, over: 2).map { [$0.count, $0.offset] } == [[1500, 0], [1500, 1500]])
        #expect(WorkerProcess.shares(of: 5, over: 3).map { [$0.count, $0.offset] } == [[2, 0], [2, 2], [1, 4]])
        #expect(WorkerProcess.shares(of: 1, over: 4).map { [$0.count, $0.offset] } == [[1, 0]])
    }

    @Test func optionValuesReadNameValuePairsWithTheirFallbacks() {
        let values = OptionValues(["--seconds", "60", "-channels", "4", "--rate", "fast", "--dangling"])
        #expect(values.value("seconds", 600.0) == 60)
        #expect(values.value("channels", 16) == 4)
        #expect(values.value("rate", 6.0) == 6, "a value that does not parse gives the fallback")
        #expect(values.values["dangling"] == nil)
    }

    @Test func theHeadEndsAfterTheBlankLine() {
        let head = Array("HTTP/1.1 200 OK\r\nA: b\r\n\r\nid: 1\n".utf8)
        #expect(HTTPHead.end(in: head) == 25)
        #expect(HTTPHead.end(in: Array(head[..<24])) == nil)
    }
}
