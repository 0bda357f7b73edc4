import Glibc
import LoadGenCore

/// One scenario against one running server: subscribers over several worker processes, an idle period, the
/// publish window, then the merged figures as one JSON line.
final class Coordinator {
    struct Options {
        var name = "scenario"
        var server = Publisher.Server.hub
        var host = "127.0.0.1"
        var port = 8080
        /// The server processes measured (a group: every hub and Redis).
        var pids: [Int32] = []
        /// Where events are published (another hub of a group); 0: `port`.
        var publishPort = 0
        var subscribers = 100
        var channels = 1
        var events = 100
        var rate = 0.0
        var payload = 128
        var publishers = 4
        var idleSeconds = 0.0
        var processes = 2
        var sources = 8
        /// Appended to every subscription's path (`access_token=...`, to measure auth); empty: none.
        var subscribeQuery = ""
        /// Sent with every publish (see `Publisher.Options.header`).
        var publishHeader = ""
        var graceSeconds = 20.0
        var output = "-"
    }

    let options: Options

    init(options: Options) {
        self.options = options
    }

    func run() {
        Net.requireLoopback(options.host)
        let path =
            (options.server == .nchan ? "/sub/{channel}" : "/events/{channel}")
            + (options.subscribeQuery.isEmpty ? "" : "?" + options.subscribeQuery)
        func measured() -> [Int32] { options.pids.flatMap { Proc.tree($0) } }
        let baseline = Proc.pssKiB(measured())
        let started = Proc.monotonicNanoseconds()
        let workers = WorkerProcess.shares(of: options.subscribers, over: options.processes).map { count, offset in
            WorkerProcess(arguments: [
                "subscribe", "--host", options.host, "--port", "\(options.port)", "--path", path,
                "--channels", "\(options.channels)", "--count", "\(count)", "--offset", "\(offset)",
                "--sources", "\(options.sources)", "--events", "\(options.events)",
            ])
        }
        var established = 0
        var connectFailures = 0
        var workerCPUAtReady = 0.0
        for worker in workers {
            guard let line = worker.readLine(timeout: 180), line.hasPrefix("ready") else {
                fatalError("loadgen: a subscriber worker did not get ready")
            }
            let parts = line.split(separator: " ")
            established += Int(parts[2]) ?? 0
            connectFailures += Int(parts[3]) ?? 0
            workerCPUAtReady += Double(parts.count > 4 ? parts[4] : "0") ?? 0
        }
        let connectSeconds = Double(Proc.monotonicNanoseconds() - started) / 1e9
        if options.idleSeconds > 0 {
            // The idle phase is what is being measured: nothing to wait for but time.
            var pause = timespec(tv_sec: Int(options.idleSeconds), tv_nsec: 0)
            nanosleep(&pause, nil)
        }
        let tree = measured()
        let idle = Proc.pssKiB(tree)

        let serverCPUBefore = Proc.cpuSeconds(tree)
        let hostBefore = Proc.hostJiffies()
        let ownBefore = Proc.ownCPUSeconds()
        let publisher = Publisher(
            options: .init(
                host: options.host, port: options.publishPort == 0 ? options.port : options.publishPort,
                server: options.server, connections: options.publishers,
                channels: options.channels, events: options.events, rate: options.rate, payload: options.payload,
                header: options.publishHeader))
        let published = publisher.run()
        for worker in workers { worker.send("finish \(options.graceSeconds)") }

        var delivered = 0
        var expected = 0
        var duplicates = 0
        var outOfOrder = 0
        var unexpected = 0
        var closedEarly = 0
        var lastDelivery: UInt64 = 0
        var workerCPU = 0.0
        var latency = Histogram()
        for worker in workers {
            guard let line = worker.readLine(timeout: options.graceSeconds + 60), line.hasPrefix("result") else {
                fatalError("loadgen: a subscriber worker gave no result")
            }
            let result = fields(line)
            delivered += Int(result["delivered"] ?? "") ?? 0
            expected += Int(result["expected"] ?? "") ?? 0
            duplicates += Int(result["duplicates"] ?? "") ?? 0
            outOfOrder += Int(result["outOfOrder"] ?? "") ?? 0
            unexpected += Int(result["unexpected"] ?? "") ?? 0
            closedEarly += Int(result["closedEarly"] ?? "") ?? 0
            lastDelivery = max(lastDelivery, UInt64(result["last"] ?? "") ?? 0)
            workerCPU += Double(result["cpu"] ?? "") ?? 0
            if let histogram = Histogram(serialized: result["histogram"] ?? "") { latency.merge(histogram) }
            worker.wait()
        }
        let serverCPU = Proc.cpuSeconds(tree) - serverCPUBefore
        let after = Proc.pssKiB(tree)
        let hostAfter = Proc.hostJiffies()
        let generatorCPU = (Proc.ownCPUSeconds() - ownBefore) + (workerCPU - workerCPUAtReady)
        let windowEnd = max(lastDelivery, published.finished)
        let window = Double(windowEnd - published.started) / 1e9
        let hostBusy = 100 * (hostAfter.busy - hostBefore.busy) / max(1, hostAfter.total - hostBefore.total)
        let publishSeconds = Double(published.finished - published.started) / 1e9

        func milliseconds(_ nanoseconds: UInt64) -> String { String(format3(Double(nanoseconds) / 1e6)) }
        let json = [
            ("scenario", "\"\(options.name)\""), ("server", "\"\(options.server.rawValue)\""),
            ("subscribers", "\(established)"), ("connectFailures", "\(connectFailures)"),
            ("channels", "\(options.channels)"), ("events", "\(options.events)"),
            ("published", "\(published.acknowledged)"), ("publishFailures", "\(published.failed)"),
            ("expected", "\(expected)"), ("delivered", "\(delivered)"), ("lost", "\(expected - delivered)"),
            ("duplicates", "\(duplicates)"), ("outOfOrder", "\(outOfOrder)"), ("unexpected", "\(unexpected)"),
            ("closedEarly", "\(closedEarly)"),
            ("latencyP50Ms", milliseconds(latency.value(atPercentile: 50))),
            ("latencyP90Ms", milliseconds(latency.value(atPercentile: 90))),
            ("latencyP99Ms", milliseconds(latency.value(atPercentile: 99))),
            ("latencyMaxMs", milliseconds(latency.maximum)),
            ("deliveriesPerSecond", format3(Double(delivered) / max(window, 1e-9))),
            ("publishesPerSecond", format3(Double(published.acknowledged) / max(publishSeconds, 1e-9))),
            ("ackP50Ms", milliseconds(published.acknowledgements.value(atPercentile: 50))),
            ("ackP99Ms", milliseconds(published.acknowledgements.value(atPercentile: 99))),
            ("serverCPUSeconds", format3(serverCPU)),
            ("cpuMicrosPerDelivery", format3(delivered > 0 ? serverCPU * 1e6 / Double(delivered) : 0)),
            (
                "cpuMicrosPerPublish",
                format3(published.acknowledged > 0 ? serverCPU * 1e6 / Double(published.acknowledged) : 0)
            ),
            ("pssBaselineKiB", "\(baseline)"), ("pssIdleKiB", "\(idle)"), ("pssAfterKiB", "\(after)"),
            ("pssKiBPerConnection", format3(Double(idle - baseline) / Double(max(1, established)))),
            ("connectSeconds", format3(connectSeconds)),
            ("connectionsPerSecond", format3(Double(established) / max(connectSeconds, 1e-9))),
            ("windowSeconds", format3(window)), ("generatorCPUSeconds", format3(generatorCPU)),
            ("hostBusyPercent", format3(hostBusy)),
        ].map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
        let line = "{\(json)}"
        print(line)
        if options.output != "-", let file = fopen(options.output, "a") {
            fputs(line + "\n", file)
            fclose(file)
        }
    }
}

/// A number with at most three decimals, as JSON.
func format3(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let scaled = (value * 1000).rounded() / 1000
    return scaled == scaled.rounded() ? String(Int64(scaled)) : String(scaled)
}

/// `key=value` fields of a worker's line.
func fields(_ line: String) -> [String: String] {
    var result: [String: String] = [:]
    let halves = line.split(separator: " histogram=", maxSplits: 1)
    if halves.count == 2 { result["histogram"] = String(halves[1]) }
    for part in (halves.first ?? "").split(separator: " ") {
        let pair = part.split(separator: "=", maxSplits: 1)
        if pair.count == 2 { result[String(pair[0])] = String(pair[1]) }
    }
    return result
}
