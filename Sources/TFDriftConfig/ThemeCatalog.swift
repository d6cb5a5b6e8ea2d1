#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftCore
import TFDriftView

/// Where themes come from, later ones winning for a name: the shipped ones (embedded in the binary), those of an
/// installation (`<prefix>/share/tfdrift-tui/themes/*.yaml` beside `<prefix>/bin`, where a site can add its own)
/// and the user's `$XDG_CONFIG_HOME/tfdrift-tui/themes/*.yaml` (default `~/.config/…`).
public struct ThemeCatalog: Sendable {
    /// The user's theme folder, if there is a home to put it in.
    public let userDirectory: String?
    /// The installation's theme folder, when the program runs from an installed `bin/` that has one.
    public let installedDirectory: String?

    public init(environment: [String: String], installedDirectory: String? = ThemeCatalog.installedThemes()) {
        userDirectory = ConfigPaths.directory(environment: environment).map { $0 + "/themes" }
        self.installedDirectory = installedDirectory
    }

    /// `<prefix>/share/tfdrift-tui/themes` for a program at `<prefix>/bin/tfdrift-tui`, if that folder exists.
    public static func installedThemes(executable: String? = ThemeCatalog.executablePath()) -> String? {
        guard let executable, let bin = executable.range(of: "/bin/", options: .backwards) else { return nil }
        let folder = String(executable[..<bin.lowerBound]) + "/share/tfdrift-tui/themes"
        var info = stat()
        return stat(folder, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR ? folder : nil
    }

    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Theme names in cycling order: the shipped ones, then the installation's and the user's own.
    public func names() -> [String] {
        var names = ["default"] + EmbeddedThemes.files.map(\.name).filter { $0 != "default" }
        for file in files(in: installedDirectory) + files(in: userDirectory) {
            let name = ThemeFile.name(ofPath: file)
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The names of the themes made for `background`, or that do not say what they are made for.
    public func names(madeFor background: Contrast.Background) -> [String] {
        names().filter { load($0).theme.background.map { $0 == background } ?? true }
    }

    /// A loaded theme: what it is, where it came from (for `config` and reloads), and what was wrong with it.
    public struct Loaded: Sendable {
        public var theme: Theme
        /// The file read, or nil for a shipped theme.
        public var path: String?
        public var problems: [FileProblem]
    }

    /// `default`, a shipped, installed or user theme's name, or a path. Anything that fails leaves the default
    /// theme and says why; it never stops the program.
    public func load(_ nameOrPath: String) -> Loaded {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
        if isPath { return loadFile(nameOrPath) }
        for directory in [userDirectory, installedDirectory].compactMap({ $0 }) {
            if let file = files(in: directory).first(where: { ThemeFile.name(ofPath: $0) == nameOrPath }) {
                return loadFile(directory + "/" + file)
            }
        }
        if let shipped = EmbeddedThemes.files.first(where: { $0.name == nameOrPath }) {
            let parsed = ThemeFile.parse(shipped.text, path: "themes/\(shipped.name).yaml")
            return Loaded(theme: parsed.theme, path: nil, problems: parsed.problems)
        }
        let known = names().joined(separator: ", ")
        return Loaded(
            theme: .standard, path: nil,
            problems: [FileProblem(path: nameOrPath, line: nil, key: nil, message: "no such theme (known: \(known)); using the default")])
    }

    func loadFile(_ path: String) -> Loaded {
        switch TextFile.contents(of: path) {
        case .failure(let problem): return Loaded(theme: .standard, path: path, problems: [problem])
        case .success(let text):
            let parsed = ThemeFile.parse(text, path: path)
            return Loaded(theme: parsed.theme, path: path, problems: parsed.problems)
        }
    }

    /// The theme files of a folder, by name, at most 256.
    func files(in directory: String?) -> [String] {
        guard let directory, let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml"), !name.hasPrefix(".") { files.append(name) }
            if files.count >= 256 { break }
        }
        return files.sorted()
    }
}

/// `$XDG_CONFIG_HOME/tfdrift-tui` or `~/.config/tfdrift-tui`.
public enum ConfigPaths {
    public static func directory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/tfdrift-tui" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.config/tfdrift-tui" }
        return nil
    }
}

/// Reads a small text file whole, refusing what is too big to be a theme or a configuration.
public enum TextFile {
    public static let maximumBytes = 1 << 20

    public static func contents(of path: String) -> Result<String, FileProblem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(FileProblem(path: path, line: nil, key: nil, message: Sanitizer.clean(String(cString: strerror(errno)), limit: 80)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileProblem(path: path, line: nil, key: nil, message: Sanitizer.clean(String(cString: strerror(errno)), limit: 80)))
            }
            if n == 0 { break }
            bytes += chunk.prefix(n)
            if bytes.count > maximumBytes {
                return .failure(FileProblem(path: path, line: nil, key: nil, message: "larger than \(maximumBytes) bytes; not read"))
            }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// The file's modification time and size, to notice edits; nil when it is gone.
    public static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec), size: Int(info.st_size))
    }
}

public struct FileStamp: Sendable, Equatable {
    public var seconds: Int
    public var nanoseconds: Int
    public var size: Int
}
