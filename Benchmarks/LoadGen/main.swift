import Glibc
import LoadGenCore

/// loadgen: an SSE load generator for the hub and nchan. Loopback targets only; every phase is bounded.
///
///   loadgen run --server hub|nchan --port P --pid SERVER_PID [--subscribers N --channels C --events M
///               --rate R --payload B --publishers K --idle S --processes X --sources A --name NAME --out FILE
///               --subscribe-query 'access_token=...' --publish-header 'Authorization: Bearer ...']
///   loadgen subscribe ...   (a worker; started by `run`)
// A worker that completes exits at once; telling it to finish afterwards must not kill the coordinator.
signal(SIGPIPE, SIG_IGN)
var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    print("usage: loadgen run|subscribe --option value ...")
    exit(2)
}
arguments.removeFirst()
let values = OptionValues(arguments)

func value<T: LosslessStringConvertible>(_ name: String, _ fallback: T) -> T { values.value(name, fallback) }

switch command {
case "subscribe":
    var options = SubscriberWorker.Options()
    options.host = value("host", options.host)
    options.port = value("port", options.port)
    options.pathTemplate = value("path", options.pathTemplate)
    options.channels = value("channels", options.channels)
    options.count = value("count", options.count)
    options.offset = value("offset", options.offset)
    options.sources = value("sources", options.sources)
    options.events = value("events", options.events)
    SubscriberWorker(options: options).run()
case "run":
    var options = Coordinator.Options()
    options.name = value("name", options.name)
    options.server = Publisher.Server(rawValue: value("server", "hub")) ?? .hub
    options.host = value("host", options.host)
    options.port = value("port", options.port)
    options.pids = (values.values["pid"] ?? "").split(separator: ",").compactMap { Int32($0) }
    options.publishPort = value("publish-port", options.publishPort)
    options.subscribers = value("subscribers", options.subscribers)
    options.channels = value("channels", options.channels)
    options.events = value("events", options.events)
    options.rate = value("rate", options.rate)
    options.payload = value("payload", options.payload)
    options.publishers = value("publishers", options.publishers)
    options.idleSeconds = value("idle", options.idleSeconds)
    options.processes = value("processes", options.processes)
    options.sources = value("sources", options.sources)
    options.graceSeconds = value("grace", options.graceSeconds)
    options.output = value("out", options.output)
    options.subscribeQuery = value("subscribe-query", options.subscribeQuery)
    options.publishHeader = value("publish-header", options.publishHeader)
    Coordinator(options: options).run()
default:
    print("loadgen: unknown command \(command)")
    exit(2)
}
