import Glibc
import Synchronization

/// Every template under a directory, parsed once at start and named by relative path without extension
/// (`partials/card`). Partials and parents resolve by name within the library. Safe from any thread.
///
/// With `reloadsChangedFiles` (for editing pages), a template whose file changed is re-read on its next
/// render; that stats files on the rendering thread, so it is for development only.
public final class TemplateLibrary: Sendable {
    private struct State {
        var templates: [String: Template] = [:]
        /// Partials re-parsed with a standalone tag's indentation, by "indent|name".
        var indented: [String: Template] = [:]
        var modified: [String: FileStamp] = [:]
    }

    /// The directory the templates came from; nil for an in-memory library.
    public let directory: String?
    /// Whether a template whose file changed is re-read on its next render.
    public let reloadsChangedFiles: Bool
    private let state: Mutex<State>
    static let extensions = [".mustache", ".html", ".txt"]

    /// Loads every `.mustache`, `.html` and `.txt` file under `directory`. A syntax error, or a partial or
    /// parent that names no template, throws with `file:line:column`.
    /// - Throws: `TemplateError` (with `file:line:column`) for a missing directory, a
    ///   syntax error, or a reference to a template that does not exist.
    public init(directory: String, reloadsChangedFiles: Bool = false) throws(TemplateError) {
        guard FileSystem.isDirectory(directory) else {
            throw TemplateError("no templates directory here", file: directory, line: 1, column: 1)
        }
        var state = State()
        for (name, path) in Self.files(in: directory) {
            state.templates[name] = try Self.load(name: name, path: path)
            state.modified[name] = Self.modificationTime(path)
        }
        try Self.checkReferences(state.templates)
        self.directory = directory
        self.reloadsChangedFiles = reloadsChangedFiles
        self.state = Mutex(state)
    }

    /// A library of in-memory templates (tests, and templates built by code). `checkingReferences: false`
    /// leaves missing partials to render as nothing, as the Mustache spec asks.
    /// - Throws: `TemplateError` for a syntax error, or (when checking) a reference to a missing template.
    public init(sources: [String: String], checkingReferences: Bool = true) throws(TemplateError) {
        var state = State()
        for (name, source) in sources {
            state.templates[name] = try TemplateParser.parse(Array(source.utf8), name: name, file: name)
        }
        if checkingReferences { try Self.checkReferences(state.templates) }
        directory = nil
        reloadsChangedFiles = false
        self.state = Mutex(state)
    }

    /// The names of every template, sorted.
    public var names: [String] { state.withLock { $0.templates.keys.sorted() } }

    /// Whether a template is called `name`.
    public func contains(_ name: String) -> Bool { state.withLock { $0.templates[name] != nil } }

    /// Renders `name` with `context` into UTF-8 bytes, HTML-escaping `{{name}}` interpolations.
    /// - Parameters:
    ///   - maxBytes: the most output allowed (a small context can expand into a huge page).
    /// - Throws: `TemplateRenderError`: `.unknownTemplate`, `.tooLarge` past `maxBytes`, `.tooDeep` for
    ///   partials nested too deep or too many steps, `.syntax` when a changed file no longer parses.
    public func render(_ name: String, _ context: TemplateValue, maxBytes: Int = .max) throws(TemplateRenderError)
        -> [UInt8]
    {
        guard let template = try template(named: name, indentedBy: []) else { throw .unknownTemplate(name) }
        var renderer = TemplateRenderer(library: self, context: context, maxBytes: maxBytes)
        try renderer.render(template)
        return renderer.out
    }

    func template(named name: String, indentedBy indent: [UInt8]) throws(TemplateRenderError) -> Template? {
        if reloadsChangedFiles { try reloadIfChanged(name) }
        return try state.withLock { (state) throws(TemplateRenderError) -> Template? in
            guard let template = state.templates[name] else { return nil }
            guard !indent.isEmpty else { return template }
            let key = String(decoding: indent, as: UTF8.self) + "|" + name
            if let cached = state.indented[key] { return cached }
            do throws(TemplateError) {
                let parsed = try TemplateParser.parse(
                    Self.indent(template.source, by: indent), name: name, file: template.file)
                state.indented[key] = parsed
                return parsed
            } catch {
                throw .syntax(error)
            }
        }
    }

    /// Prefixes every non-empty line of `source` with `indent` (the spec's standalone partial indentation).
    static func indent(_ source: [UInt8], by indent: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var atLineStart = true
        for byte in source {
            if atLineStart && byte != 0x0A && byte != 0x0D { out.append(contentsOf: indent) }
            out.append(byte)
            atLineStart = byte == 0x0A
        }
        return out
    }

    private static func checkReferences(_ templates: [String: Template]) throws(TemplateError) {
        for template in templates.values.sorted(by: { $0.name < $1.name }) {
            for reference in template.references where templates[reference.name] == nil {
                throw TemplateError(
                    "no template named \"\(reference.name)\"", file: template.file,
                    source: template.source, offset: reference.offset)
            }
        }
    }

    private static func load(name: String, path: String) throws(TemplateError) -> Template {
        let bytes = FileSystem.read(path) ?? []
        return try TemplateParser.parse(bytes, name: name, file: path)
    }

    private func reloadIfChanged(_ name: String) throws(TemplateRenderError) {
        guard let directory else { return }
        for (candidate, path) in Self.files(in: directory) where candidate == name {
            let modified = Self.modificationTime(path)
            guard state.withLock({ $0.modified[name] }) != modified else { return }
            do throws(TemplateError) {
                let template = try Self.load(name: name, path: path)
                state.withLock { state in
                    state.templates[name] = template
                    state.modified[name] = modified
                    state.indented = state.indented.filter { !$0.key.hasSuffix("|" + name) }
                }
            } catch {
                throw .syntax(error)
            }
        }
    }

    /// (name, path) of every template file under `directory`, recursively.
    static func files(in directory: String) -> [(String, String)] {
        FileSystem.files(under: directory).compactMap { file in
            extensions.first { file.relative.hasSuffix($0) }.map {
                (String(file.relative.dropLast($0.count)), file.path)
            }
        }
    }

    /// What tells a changed file: mtime alone can repeat within one kernel timer tick, so size and inode
    /// (editors often write a new file and rename it) count too.
    struct FileStamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
        let inode: UInt
    }

    private static func modificationTime(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec), size: Int(info.st_size),
            inode: UInt(info.st_ino))
    }
}
