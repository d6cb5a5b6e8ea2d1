import CYaml
import TFDriftCore
import TFDriftWire
import Yams

/// Something wrong in a theme or configuration file, with where: `config.yaml:7: url: not a ws:// or wss:// address`.
public struct FileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based; nil when the whole file is the problem (unreadable, empty).
    public var line: Int?
    public var key: String?
    public var message: String

    public init(path: String, line: Int?, key: String?, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String { worded(path: path) }

    /// With the file's name only, for a status bar where a long directory would hide the message.
    public var shortDescription: String { worded(path: path.split(separator: "/").last.map(String.init) ?? path) }

    func worded(path: String) -> String {
        var text = Sanitizer.clean(path, limit: 200)
        if let line { text += ":\(line)" }
        if let key { text += ": \(Sanitizer.clean(key, limit: 60))" }
        return text + ": " + message
    }
}

/// A YAML file read with Yams, kept as nodes so every value still knows its line.
struct YAMLDocument {
    let path: String
    let root: Node?

    /// Parses `text`; a syntax error comes back as a problem with its line, never as a crash.
    static func parse(_ text: String, path: String) -> Result<YAMLDocument, FileProblem> {
        if let line = firstAlias(in: text) {
            return .failure(FileProblem(
                path: path, line: line, key: nil,
                message: "aliases (*name) are not allowed in theme and configuration files; write the value out"))
        }
        do {
            return .success(YAMLDocument(path: path, root: try Yams.compose(yaml: text)))
        } catch let error as YamlError {
            return .failure(FileProblem(path: path, line: YAMLDocument.line(of: error), key: nil, message: "not valid YAML: \(YAMLDocument.summary(of: error))"))
        } catch {
            return .failure(FileProblem(path: path, line: nil, key: nil, message: "not valid YAML"))
        }
    }

    /// The 1-based line of the first alias, found by libyaml's event parser in one linear pass. Files this
    /// program reads need no aliases, and an alias used as a mapping key makes Yams's duplicate-key check hash
    /// the whole expanded node: a few hundred bytes of YAML took seconds, each ~50 more bytes ten times longer.
    /// nil when there is none, or when the text does not parse (Yams then says where and why).
    static func firstAlias(in text: String) -> Int? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> Int? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let type = event.type
                let line = Int(event.start_mark.line) + 1
                yaml_event_delete(&event)
                if type == YAML_ALIAS_EVENT { return line }
                if type == YAML_STREAM_END_EVENT { return nil }
            }
            return nil
        }
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    /// The parser's problem in one clean line (its own description quotes the whole file).
    static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            Sanitizer.clean(problem, limit: 160)
        case .duplicatedKeysInMapping(let duplicates, _):
            "duplicated keys " + Sanitizer.clean(duplicates.joined(separator: ", "), limit: 120)
        default:
            "unreadable"
        }
    }

    /// The top-level mapping's entries in file order, with the line of each key.
    func entries(_ node: Node? = nil) -> [(key: String, value: Node, line: Int?)]? {
        guard case .mapping(let mapping)? = node ?? root else { return nil }
        return mapping.map { pair in (key: pair.key.string ?? "", value: pair.value, line: pair.key.mark?.line) }
    }

    func problem(_ line: Int?, _ key: String?, _ message: String) -> FileProblem {
        FileProblem(path: path, line: line, key: key, message: message)
    }
}
