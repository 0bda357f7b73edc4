import Dispatch
import Glibc
import Synchronization

/// app-bench: the demo site's own costs, over loopback HTTP as a browser drives it: sign-ups (an Argon2id hash
/// and two inserts each), logins (a hash verified, a session created) and page renders for a logged-in user
/// (`GET /account`: a session looked up on the worker pool, a Mustache page rendered). Prints one JSON line per phase with
/// operations/s, latency p50/p99 and the hub's CPU per operation. Bounded: each phase runs `seconds`.
///   app-bench PORT HUB_PID [seconds (5)] [concurrent clients (4)] [board subscribers (1000)]
let arguments = CommandLine.arguments
guard arguments.count >= 3, let port = Int(arguments[1]), let hubPID = Int32(arguments[2]) else {
    print("usage: app-bench PORT HUB_PID [seconds] [clients]")
    exit(2)
}
let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 5 : 5
let clients = arguments.count > 4 ? Int(arguments[4]) ?? 4 : 4

@Sendable func hubCPUSeconds() -> Double { ProcessCPU.seconds(of: hubPID) }

/// Runs `operation` on `clients` threads, each on its own connection, until `seconds` pass or `limit`
/// operations each are done; returns the latencies of the ones that succeeded and how many failed.
func measure(
    _ name: String, limit: Int = .max, setUp: @escaping @Sendable (Int, PageClient) -> Bool,
    _ operation: @escaping @Sendable (Int, PageClient, Int) -> Bool
) {
    let latencies = Mutex<[Double]>([])
    let failures = Atomic<Int>(0)
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    let started = Mutex<(wall: Double, cpu: Double)>((0, 0))
    for index in 0..<clients {
        done.enter()
        Thread.detach {
            let client = PageClient(port: port)
            let prepared = setUp(index, client)
            ready.signal()
            go.wait()
            defer { done.leave() }
            guard prepared else {
                failures.add(1, ordering: .relaxed)
                return
            }
            let deadline = started.withLock { $0.wall } + seconds
            var mine: [Double] = []
            var count = 0
            while count < limit && now() < deadline {
                let before = now()
                if operation(index, client, count) {
                    mine.append(now() - before)
                } else {
                    failures.add(1, ordering: .relaxed)
                }
                count += 1
            }
            latencies.withLock { $0 += mine }
        }
    }
    for _ in 0..<clients { ready.wait() }
    started.withLock { $0 = (now(), hubCPUSeconds()) }
    for _ in 0..<clients { go.signal() }
    done.wait()
    let (wall, cpu) = started.withLock { (now() - $0.wall, hubCPUSeconds() - $0.cpu) }
    let sorted = latencies.withLock { $0.sorted() }
    let percentile = { (p: Double) in sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
    let operations = sorted.count
    func rounded(_ value: Double, _ places: Double = 100) -> Double { (value * places).rounded() / places }
    print(
        "{\"phase\": \"\(name)\", \"clients\": \(clients), \"operations\": \(operations), "
            + "\"failures\": \(failures.load(ordering: .relaxed)), \"perSecond\": \(rounded(Double(operations) / wall, 10)), "
            + "\"p50Ms\": \(rounded(percentile(0.5) * 1000)), \"p99Ms\": \(rounded(percentile(0.99) * 1000)), "
            + "\"hubCpuMsPerOperation\": \(rounded(operations > 0 ? cpu * 1000 / Double(operations) : 0, 1000))}")
}

/// Runs `body` on a new thread.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        DispatchQueue.global().async(execute: body)
    }
}

let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
let password = "correct horse battery staple"
@Sendable func email(_ client: Int, _ number: Int) -> String { "bench-\(run)-\(client)-\(number)@example.com" }

/// The visitor cookie and CSRF token a form page hands out.
@Sendable func visitorToken(_ client: PageClient, _ page: String) -> String? {
    guard let form = client.get(page), form.status == 200 else { return nil }
    return PageClient.csrfToken(in: form.body)
}

let tokens = Mutex<[Int: String]>([:])
measure(
    "signup", limit: 20,
    setUp: { index, client in
        guard let token = visitorToken(client, "/signup") else { return false }
        tokens.withLock { $0[index] = token }
        return true
    }
) { index, client, number in
    let token = tokens.withLock { $0[index]! }
    let answer = client.postForm(
        "/signup",
        [("email", email(index, number)), ("name", "Bench \(index)"), ("password", password), ("csrf_token", token)])
    return answer?.status == 303
}

measure(
    "login",
    setUp: { index, client in
        guard let token = visitorToken(client, "/login") else { return false }
        tokens.withLock { $0[index] = token }
        return true
    }
) { index, client, _ in
    let token = tokens.withLock { $0[index]! }
    let answer = client.postForm("/login", [("email", email(index, 0)), ("password", password), ("csrf_token", token)])
    return answer?.status == 303
}

measure(
    "page",
    setUp: { index, client in
        guard let token = visitorToken(client, "/login") else { return false }
        let answer = client.postForm(
            "/login", [("email", email(index, 0)), ("password", password), ("csrf_token", token)])
        return answer?.status == 303
    }
) { _, client, _ in
    // The logged-in page, which greets its user by name.
    guard let page = client.get("/account"), page.status == 200 else { return false }
    return PageClient.find(Array("Bench ".utf8), in: page.body) != nil
}

let boardSubscribers = arguments.count > 5 ? Int(arguments[5]) ?? 1000 : 1000
if boardSubscribers > 0 {
    let owner = PageClient(port: port)
    let token = visitorToken(owner, "/login") ?? ""
    _ = owner.postForm("/login", [("email", email(0, 0)), ("password", password), ("csrf_token", token)])
    let csrf = owner.get("/boards").flatMap { PageClient.csrfToken(in: $0.body) } ?? ""
    let created = owner.postForm("/boards", [("name", "Benchmark"), ("visibility", "public"), ("csrf_token", csrf)])
    if let location = created?.header("Location").first, let id = Int(location.dropFirst("/boards/".count)) {
        BoardFanout(port: port, hubPID: hubPID, subscribers: boardSubscribers, seconds: seconds).run(
            owner: owner, csrf: csrf, boardID: id)
    } else {
        print("{\"phase\": \"board\", \"error\": \"the board could not be created: \(created?.status ?? 0)\"}")
    }
}
