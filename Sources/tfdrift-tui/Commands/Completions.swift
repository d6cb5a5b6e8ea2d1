import TFDriftConfig

/// What the shell completions offer beyond flags and files: called back by the completion scripts while typing.
enum Completions {
    /// Theme names: the shipped ones, the installation's and the user's.
    static func themes() -> [String] {
        ThemeCatalog(environment: Environment.current()).names()
    }

    /// `name=url` for every server of the default configuration file, so `--url prod=…` completes to a server.
    static func servers() -> [String] {
        let environment = Environment.current()
        guard let path = Configuration.defaultFile(environment: environment), case .success(let text) = TextFile.contents(of: path) else { return [] }
        let config = Configuration.resolve(file: (path, text), environment: environment, flags: [:])
        return config.servers.compactMap { server in server.values["url"]?.string.map { "\(server.name)=\($0)" } }
    }
}
