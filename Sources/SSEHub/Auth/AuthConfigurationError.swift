/// What is wrong with a JWT or CORS setting; `Hub.start` throws it, and the `hub` executable checks the same
/// at start-up and names the setting.
public struct AuthConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    package init(_ description: String) {
        self.description = description
    }
}
