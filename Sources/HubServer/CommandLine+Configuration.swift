import Broadcast

/// Reads the configuration: defaults, then environment variables, then flags (flags win).
enum ConfigurationLoader {
    enum Outcome {
        case run(ServerConfiguration)
        case help(String)
        /// One line naming the setting and what is wrong with it.
        case invalid(String)
    }

    static func load(arguments: [String], environment: [String: String]) -> Outcome {
        var configuration = ServerConfiguration()
        for setting in HubSettings.all {
            guard let value = environment[setting.environment] else { continue }
            if let problem = setting.apply(&configuration, value) {
                return .invalid("\(setting.environment): \(problem)")
            }
        }
        var index = 0
        var repeated = Set<String>()
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help(usage()) }
            guard argument.hasPrefix("--") else { return .invalid("unexpected argument \"\(argument)\"; see --help") }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let setting = HubSettings.all.first(where: { $0.flag == name }) else {
                return .invalid("unknown option --\(name); see --help")
            }
            if value == nil && setting.isSwitch { value = "1" }
            if value == nil {
                guard index < arguments.count else { return .invalid("--\(name) needs a value") }
                value = arguments[index]
                index += 1
            }
            if let reset = setting.reset, repeated.insert(name).inserted { reset(&configuration) }
            if let problem = setting.apply(&configuration, value!) { return .invalid("--\(name): \(problem)") }
        }
        if let problem = HubSettings.checkOperations(&configuration) { return .invalid(problem) }
        return .run(configuration)
    }

    static func usage() -> String {
        let defaults = ServerConfiguration()
        var lines = [
            "usage: hub [options]",
            "",
            "A Server-Sent Events hub. Subscribe: GET /events/{channel}; publish: POST /broadcast.",
            "Every option can also be set by its environment variable; a flag wins over the variable.",
            "",
        ]
        for setting in HubSettings.all {
            let left = "  --\(setting.flag) \(setting.placeholder)"
            let padded = left + String(repeating: " ", count: max(1, 34 - left.count))
            lines.append(
                "\(padded)\(setting.help) [\(setting.environment), default: \(setting.defaultValue(defaults))]")
        }
        lines.append("  --help                          this text")
        return lines.joined(separator: "\n")
    }
}
