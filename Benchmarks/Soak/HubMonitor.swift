import Glibc
import Synchronization

/// Samples each hub's RSS once a second and notices a hub that exits. RSS is bounded when the last minute's
/// peak is not far above the peak of the minute after warm-up; the samples go into the report.
final class HubMonitor: Sendable {
    struct Reading: Sendable {
        var peakKiB = 0
        /// Peak of each minute, in order.
        var minutePeaks: [Int] = []
        var exitedAt: UInt64?

        /// From three minutes on, the last minute's peak is at most 1.5 times the second minute's (after
        /// warm-up) plus 16 MiB: a leak grows past that, noise and ring filling do not.
        var isBounded: Bool {
            guard minutePeaks.count >= 3, let last = minutePeaks.last else { return true }
            return last <= minutePeaks[1] * 3 / 2 + 16 * 1024
        }
    }

    private let pids: [pid_t]
    private let readings: Mutex<[Reading]>
    private let running = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)

    init(pids: [pid_t]) {
        self.pids = pids
        readings = Mutex(Array(repeating: Reading(), count: pids.count))
    }

    var hubs: [Reading] { readings.withLock { $0 } }

    func run() {
        defer { finished.store(true, ordering: .releasing) }
        let started = Sys.now()
        while running.load(ordering: .relaxed) {
            let minute = Int((Sys.now() - started) / 60_000)
            for (index, pid) in pids.enumerated() {
                let exited = Sys.exited(pid)
                let rss = Sys.rssKiB(pid)
                readings.withLock { all in
                    if exited && all[index].exitedAt == nil { all[index].exitedAt = Sys.now() }
                    all[index].peakKiB = max(all[index].peakKiB, rss)
                    while all[index].minutePeaks.count <= minute { all[index].minutePeaks.append(0) }
                    all[index].minutePeaks[minute] = max(all[index].minutePeaks[minute], rss)
                }
            }
            Sys.sleep(seconds: 1)
        }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        for _ in 0..<50 where !finished.load(ordering: .acquiring) { Sys.sleep(seconds: 0.1) }
    }
}
