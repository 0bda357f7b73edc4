import Dispatch
import Glibc
import LoadGenCore

/// The whole soak: Redis, two hubs of one group (the `hub` executable and the in-process publishing
/// soak-hub), subscriber workers, HTTP publishers, the fault thread and the RSS monitor; then the check and
/// the report. Every phase is bounded; the run takes `seconds` plus about 40 s.
final class Driver {
    struct Options {
        var seconds = 600.0
        var subscribers = 3000
        var processes = 2
        var channels = 16
        /// Publishes per second over HTTP into each hub, and in-process inside the soak-hub.
        var httpRate = 6.0
        var inProcessRate = 10.0
        var replay = 32
        var meanLifeSeconds = 30.0
        var hub = ".build/release/hub"
        var soakHub = ".build/release/soak-hub"
        var work = "Benchmarks/.work/soak"
        var report = "SOAK.md"
    }

    let options: Options

    init(options: Options) {
        self.options = options
    }

    func run() -> Int32 {
        _ = mkdir(options.work, 0o755)
        let redis = RedisControl(output: options.work + "/redis.log")
        // Hub 0 starts before Redis, so its first publish is answered locally: with an epoch of its own.
        let (hub0, port0) = startHub(redisPort: redis.port)
        guard
            let answer = HTTPCall.request(
                port: port0, method: "POST", path: "/broadcast", body: "channel=warmup&data=x"),
            let localID = HTTPCall.eventID(in: answer.body).flatMap({ SoakID($0) })
        else { fatalError("soak: hub 0 did not answer its warm-up publish") }
        redis.start()
        let epochs = EpochWatcher(redis: redis)
        let watching = DispatchGroup()
        DispatchQueue.global().async(group: watching) { epochs.run() }
        let (hub1, port1, epoch1) = startSoakHub(redisPort: redis.port)
        let ports = [port0, port1]
        waitUntilReady(ports)
        var truth = Truth()
        truth.replay = options.replay
        truth.localSeeds = [localID.epoch: 0]
        print(
            "soak: redis :\(redis.port), hub :\(port0) (local id \(localID.epoch)-\(localID.sequence) before Redis), "
                + "soak-hub :\(port1) (boot epoch \(epoch1))")

        let workers = WorkerProcess.shares(of: options.subscribers, over: options.processes).map { count, offset in
            WorkerProcess(arguments: [
                "subscribe", "--ports", "\(port0),\(port1)", "--channels", "\(options.channels)",
                "--count", "\(count)", "--offset", "\(offset)", "--life", "\(options.meanLifeSeconds)",
            ])
        }
        Sys.sleep(seconds: 5)
        let started = Sys.now()
        truth.publishStart = started
        let stopAt = started + UInt64(max(30, options.seconds - 20) * 1000)
        let publishers = ports.indices.map {
            HTTPPublisher(
                port: ports[$0], hub: $0, rate: options.httpRate, channels: options.channels,
                firstToken: ($0 + 1) * 100_000_000)
        }
        let faults = FaultInjector(redis: redis, hubPorts: ports, channels: options.channels)
        let monitor = HubMonitor(pids: [hub0, hub1])
        let group = DispatchGroup()
        for publisher in publishers { DispatchQueue.global().async(group: group) { publisher.run() } }
        DispatchQueue.global().async(group: group) { faults.run(until: stopAt) }
        DispatchQueue.global().async(group: group) { monitor.run() }

        while Sys.now() < stopAt { Sys.sleep(seconds: 1) }
        // The tail: no more faults or random disconnects; every subscriber reconnects and catches up.
        for worker in workers { worker.send("calm") }
        kill(hub1, SIGUSR1)
        for publisher in publishers { publisher.stop() }
        truth.publishStop = Sys.now()
        Sys.sleep(seconds: 12)
        monitor.stop()
        epochs.stop()
        _ = watching.wait(timeout: .now() + 10)
        _ = group.wait(timeout: .now() + 60)

        truth.faults = faults.faults
        truth.redisEpochs = epochs.epochs
        truth.published = publishers.flatMap(\.published) + inProcessLog()
        let truthPath = options.work + "/truth.txt"
        Sys.writeFile(truthPath, truth.text)
        var totals = Summary()
        // Whole subscriber logs (long lines): beside the report, not in it.
        var dumps: [String] = []
        for worker in workers {
            worker.send("check \(truthPath)")
            while let line = worker.readLine(timeout: 300) {
                if line.hasPrefix("example ") { totals.examples.append(String(line.dropFirst(8))) }
                if line.hasPrefix("twice "), let token = Int(line.dropFirst(6)) { totals.ranTwice.insert(token) }
                if line.hasPrefix("dump ") { dumps.append(String(line.dropFirst(5))) }
                if line.hasPrefix("result ") {
                    totals.add(line)
                    break
                }
            }
            worker.wait()
        }
        let healths = ports.map { HTTPCall.request(port: $0, method: "GET", path: "/health")?.body ?? "" }
        let summary = Summary.Run(
            options: options, truth: truth, monitor: monitor.hubs, healths: healths,
            publishFailures: publishers.map { $0.failures.load(ordering: .relaxed) },
            malformedDelivered: faults.malformedDelivered.load(ordering: .relaxed), seconds: options.seconds)
        Sys.stop(hub0)
        Sys.stop(hub1)
        redis.stop()
        let dumpPath = options.work + "/dumps.txt"
        Sys.writeFile(dumpPath, dumps.joined(separator: "\n") + "\n")
        if !dumps.isEmpty { print("soak: the logs of \(dumps.count) subscribers with findings are in \(dumpPath)") }
        let report = totals.report(summary)
        Sys.writeFile(options.report, report)
        print(report)
        return totals.clean(summary) ? 0 : 1
    }

    private func startHub(redisPort: Int) -> (pid_t, Int) {
        let output = options.work + "/hub.log"
        let pid = Sys.spawn(
            [options.hub, "--port", "0", "--redis", "127.0.0.1:\(redisPort)", "--replay", "\(options.replay)"],
            output: output)
        for _ in 0..<200 {
            if let line = Sys.readFile(output).split(separator: "\n").first(where: { $0.contains("listening on") }),
                let port = Int(line.split(separator: ":").last?.split(separator: " ").first ?? "")
            {
                return (pid, port)
            }
            Sys.sleep(seconds: 0.1)
        }
        fatalError("soak: the hub did not start: \(Sys.readFile(output))")
    }

    private func startSoakHub(redisPort: Int) -> (pid_t, Int, UInt64) {
        let output = options.work + "/soak-hub.log"
        let pid = Sys.spawn(
            [
                options.soakHub, "--redis", "127.0.0.1:\(redisPort)", "--replay", "\(options.replay)",
                "--rate", "\(options.inProcessRate)", "--channels", "\(options.channels)",
                "--log", options.work + "/in-process.log",
            ], output: output)
        for _ in 0..<200 {
            let words = Sys.readFile(output).split(whereSeparator: { $0 == " " || $0 == "\n" })
            if let at = words.firstIndex(of: "port"), words.count > at + 3, let port = Int(words[at + 1]),
                let epoch = UInt64(words[at + 3])
            {
                return (pid, port, epoch)
            }
            Sys.sleep(seconds: 0.1)
        }
        fatalError("soak: soak-hub did not start: \(Sys.readFile(output))")
    }

    private func waitUntilReady(_ ports: [Int]) {
        for _ in 0..<300 {
            if ports.allSatisfy({ HTTPCall.request(port: $0, method: "GET", path: "/health/ready")?.status == 200 }) {
                return
            }
            Sys.sleep(seconds: 0.1)
        }
        fatalError("soak: the hubs did not join Redis")
    }

    /// The soak-hub's log of its in-process publishes, as ground truth (hub 1).
    private func inProcessLog() -> [Published] {
        Sys.readFile(options.work + "/in-process.log").split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, let token = Int(fields[0]), let channel = Int(fields[1].dropFirst()),
                let sent = UInt64(fields[3]), let answered = UInt64(fields[4])
            else { return nil }
            return Published(
                token: token, channel: channel, id: SoakID(fields[2]), hub: 1, sent: sent, answered: answered)
        }
    }
}
