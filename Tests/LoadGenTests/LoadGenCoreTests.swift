import LoadGenCore
import Testing

@Suite struct StreamParserTests {
    private static let stream = Array(
        (": hello\n\nretry: 10\r\n\r\nid: 1\ndata: s1t5p\n\n"
            + "event: e\rdata: line one\rdata: line two\r\r"
            + "data: crlf\r\n\r\n: keepalive\n\ndata\ndata: x\n\n").utf8)

    private static func parse(_ pieces: [[UInt8]]) -> ([String], Int) {
        var parser = StreamParser()
        var events: [String] = []
        for piece in pieces {
            piece.withUnsafeBytes { buffer in
                parser.feed(buffer) { data, event, _ in
                    events.append(String(decoding: event, as: UTF8.self) + "|" + String(decoding: data, as: UTF8.self))
                }
            }
        }
        return (events, parser.comments)
    }

    private static let expected = ["|s1t5p", "e|line one\nline two", "|crlf", "|\nx"]

    @Test func parsesLFCRLFAndCRLineEndsCommentsAndMultiLineData() {
        let (events, comments) = Self.parse([Self.stream])
        #expect(events == Self.expected)
        #expect(comments == 2)
    }

    @Test func parsesTheSameStreamSplitAtEveryPosition() {
        for split in 0...Self.stream.count {
            let (events, comments) = Self.parse([Array(Self.stream[..<split]), Array(Self.stream[split...])])
            #expect(events == Self.expected, "split at \(split)")
            #expect(comments == 2)
        }
    }

    @Test func parsesTheStreamOneByteAtATime() {
        #expect(Self.parse(Self.stream.map { [$0] }).0 == Self.expected)
    }
}

@Suite struct HistogramTests {
    @Test func reportsKnownPercentilesWithinItsPrecision() {
        var histogram = Histogram()
        for value in 1...10_000 { histogram.record(UInt64(value) * 1000) }
        for (percentile, exact) in [(50.0, 5_000_000.0), (90, 9_000_000), (99, 9_900_000), (100, 10_000_000)] {
            let reported = Double(histogram.value(atPercentile: percentile))
            #expect(reported >= exact && reported <= exact * 1.008, "p\(percentile) = \(reported), exact \(exact)")
        }
        #expect(histogram.maximum == 10_000_000)
        #expect(histogram.minimum == 1000)
    }

    @Test func smallValuesAreExact() {
        var histogram = Histogram()
        for value in [3, 3, 3, 7] { histogram.record(UInt64(value)) }
        #expect(histogram.value(atPercentile: 50) == 3)
        #expect(histogram.value(atPercentile: 100) == 7)
    }

    @Test func mergesAndRoundTripsThroughText() {
        var a = Histogram()
        var b = Histogram()
        for value in 0..<1000 { a.record(UInt64(value * 37)) }
        for value in 0..<500 { b.record(UInt64(value * 1_000_003)) }
        var merged = a
        merged.merge(b)
        #expect(merged.total == 1500)
        #expect(Histogram(serialized: merged.serialized) == merged)
        #expect(merged.value(atPercentile: 100) == b.maximum)
    }

    @Test func everyValueLandsInABucketThatContainsIt() {
        var value: UInt64 = 1
        while value < (1 << 39) {
            let index = Histogram.indexForTesting(value)
            #expect(Histogram.highestForTesting(index) >= value)
            #expect(index == 0 || Histogram.highestForTesting(index - 1) < value)
            value = value * 3 + 1
        }
    }
}

@Suite struct PayloadAndLedgerTests {
    @Test func payloadsCarryTheirSequenceAndSendTime() {
        let bytes = Payload.make(sequence: 42, sentAt: 123_456_789, size: 128)
        #expect(bytes.count == 128)
        #expect(Payload.parse(bytes)! == (42, 123_456_789))
        #expect(Payload.parse(Array("hello".utf8)) == nil)
    }

    @Test func theLedgerCountsLossDuplicatesAndDisorder() {
        var ledger = DeliveryLedger(expected: 5)
        for sequence in [1, 2, 4, 3, 4, 9] { ledger.record(sequence: sequence) }
        #expect(ledger.delivered == 4)
        #expect(ledger.duplicates == 1)
        #expect(ledger.outOfOrder == 1)
        #expect(ledger.unexpected == 1)
        #expect(ledger.lost == 1)
    }
}
