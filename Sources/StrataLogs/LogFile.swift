import CZlib
import Foundation

/// A log file mapped into memory, never read whole before it is shown. Lines are found on
/// demand: the line index grows in chunks as the reader moves (the first screen needs the
/// first few kilobytes only), and positions are byte offsets, so the end of a multi-gigabyte
/// file is one backward newline search away (line numbers there appear once the index reaches
/// them). `.gz` files are inflated chunk by chunk into a temporary file first; standard input
/// (`-`) is copied to one.
public final class LogFile: @unchecked Sendable {
    public let path: String
    /// The file actually mapped (a temporary copy for `.gz` and standard input).
    public let mappedPath: String
    /// Bytes in view: the whole file, or one dbt invocation's part of it (`invocation`).
    public private(set) var size: Int
    /// The first byte in view (0 unless narrowed to an invocation); `base` points at it.
    private var base: UnsafeMutableRawPointer?
    private var mapping: UnsafeMutableRawPointer?
    private var fileSize = 0
    /// Where the view starts in the file, and the file's lines before it (add them to a line
    /// number in view to get the file's own, as an editor shows it).
    public private(set) var sectionStart = 0
    public private(set) var linesBefore = 0
    /// Whether the view reaches the end of the file (so it grows when the file does).
    private var sectionIsLast = true
    /// The dbt invocation the view is narrowed to.
    public private(set) var invocation: String?
    /// Set when a dbt log was asked for an invocation it does not hold (written to a file
    /// dbt has rotated since, or to another project's log): the whole file is in view.
    public private(set) var missingInvocation: String?
    private var fd: Int32 = -1
    private let temporary: Bool
    /// Start offsets of every line that starts before `indexedUpTo`, 4 bytes a line: the offset
    /// relative to its block of 4096 lines, whose start is in `blockBase` (a 1 GB log of 9
    /// million lines costs 36 MB).
    private var offsets = LineOffsets()
    private var indexedUpTo = 0
    private let lock = NSLock()
    /// Bytes indexed per step: keeps every keystroke well under a frame.
    public static let indexChunk = 16 << 20

    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String, String)
        public var description: String {
            switch self { case .cannotOpen(let p, let why): "cannot open log \(p): \(why)" }
        }
    }

    /// Opens `path`. With `invocation` (the run id of a dbt run, which is dbt's invocation id),
    /// a dbt file log that several invocations appended to is narrowed to that invocation's
    /// part: from its `=== time | id ===` header to the next header. Other logs are whole.
    public init(path: String, invocation: String? = nil) throws {
        self.path = path
        if path == "-" {
            mappedPath = try Self.copyToTemporary(from: FileHandle.standardInput)
            temporary = true
        } else if path.hasSuffix(".gz") {
            mappedPath = try Self.gunzip(path)
            temporary = true
        } else {
            mappedPath = path
            temporary = false
        }
        fd = open(mappedPath, O_RDONLY)
        guard fd >= 0 else { throw Failure.cannotOpen(path, String(cString: strerror(errno))) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure.cannotOpen(path, String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { close(fd); throw Failure.cannotOpen(path, "it is a directory") }
        fileSize = Int(st.st_size)
        size = fileSize
        try map()
        if let invocation { narrow(toInvocation: invocation) }
    }

    /// Narrows a freshly opened log to `id`'s part (as `init(path:invocation:)` does), before
    /// anything is indexed; true when the file holds that invocation.
    @discardableResult
    public func narrow(toInvocation id: String) -> Bool {
        precondition(indexedUpTo == 0 && invocation == nil, "narrow a log before reading its lines")
        narrowView(to: id)
        return invocation != nil
    }

    deinit {
        if let mapping, fileSize > 0 { munmap(mapping, fileSize) }
        if fd >= 0 { close(fd) }
        if temporary { unlink(mappedPath) }
    }

    private func map() throws {
        guard fileSize > 0 else { mapping = nil; base = nil; return }
        let p = mmap(nil, fileSize, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw Failure.cannotOpen(path, String(cString: strerror(errno))) }
        madvise(p, fileSize, MADV_SEQUENTIAL)
        mapping = p
        base = p + sectionStart
    }

    // MARK: One dbt invocation of a shared log

    /// dbt's file log starts each invocation with `============================== hh:mm:ss.ffffff | <invocation id> ==============================`.
    static let invocationRule = Array("==============================".utf8)

    /// Narrows the view to `id`'s part of a dbt file log; leaves other logs whole.
    private func narrowView(to id: String) {
        guard looksLikeDbtFileLog() else { return }
        let needle = Array(" | \(id) ".utf8)
        var from = 0
        var header: Int?
        while let at = find(needle, from: from, to: size) {
            let start = lineStart(containing: at)
            if startsWithRule(start) { header = start; break }
            from = at + 1
        }
        guard let start = header else { missingInvocation = id; return }
        let next = nextInvocationHeader(after: start)
        linesBefore = newlines(in: 0..<start)
        sectionStart = start
        sectionIsLast = next == nil
        size = (next ?? fileSize) - start
        base = mapping.map { $0 + start }
        invocation = id
    }

    /// The dbt invocations a file log holds, in order (their header lines' ids); empty for
    /// any other log. Reads the headers only.
    public func invocationIDs() -> [String] {
        guard looksLikeDbtFileLog() else { return [] }
        var ids: [String] = []
        var header: Int? = startsWithRule(0) ? 0 : nextInvocationHeader(after: 0)
        while let h = header {
            let line = text(at: h, limit: 400)
            if let bar = line.range(of: " | ") {
                let rest = line[bar.upperBound...]
                if let id = rest.split(separator: " ").first, !id.hasPrefix("=") { ids.append(String(id)) }
            }
            header = nextInvocationHeader(after: h)
        }
        return ids
    }

    /// Whether the line starting at `offset` (in view) is an invocation header.
    private func startsWithRule(_ offset: Int) -> Bool {
        guard let base, offset + Self.invocationRule.count <= size else { return false }
        return Self.invocationRule.withUnsafeBytes { memcmp(base + offset, $0.baseAddress!, $0.count) } == 0
    }

    /// The start (in view) of the first invocation header after the line at `offset`.
    private func nextInvocationHeader(after offset: Int) -> Int? {
        var from = lineEnd(from: offset)
        while let at = find([0x0A] + Self.invocationRule, from: from, to: size) {
            if find(Array(" | ".utf8), from: at + 1, to: lineEnd(from: at + 1)) != nil { return at + 1 }
            from = at + 1
        }
        return nil
    }

    /// A dbt file log: among its first lines, an invocation header or a `hh:mm:ss.ffffff [level]` line.
    private func looksLikeDbtFileLog() -> Bool {
        var line = 0
        for _ in 0..<20 {
            guard line < min(size, 1 << 16) else { return false }
            if startsWithRule(line) { return true }
            let end = lineEnd(from: line)
            if end > line, let base {
                let header = LineParser.header(UnsafeRawBufferPointer(start: base + line, count: min(end - line, 200)))
                if let header { return header.format == .dbtLog }
            }
            line = end + 1
        }
        return false
    }

    private func newlines(in range: Range<Int>) -> Int {
        guard let base else { return 0 }
        var n = 0, o = range.lowerBound
        while o < range.upperBound, let p = memchr(base + o, 0x0A, range.upperBound - o) {
            n += 1
            o = base.distance(to: p) + 1
        }
        return n
    }

    /// The file's bytes (empty for an empty file). Valid while this object lives.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : size)
    }

    /// Picks up bytes appended since the file was mapped (follow mode). True when it grew.
    @discardableResult
    public func refresh() -> Bool {
        guard !temporary, sectionIsLast else { return false }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) > fileSize else { return false }
        lock.lock(); defer { lock.unlock() }
        if let mapping { munmap(mapping, fileSize) }
        let grownFrom = size
        fileSize = Int(st.st_size)
        size = fileSize - sectionStart
        try? map()
        // A new dbt invocation appended after the one in view stays out of it.
        if invocation != nil, let next = nextInvocationHeader(after: lineStart(containing: max(0, grownFrom - 1))) {
            size = next
            sectionIsLast = false
        }
        return true
    }

    // MARK: Lines by byte offset (no index needed)

    /// The end of the line starting at `offset` (the newline's offset, or the file size).
    public func lineEnd(from offset: Int) -> Int {
        guard let base, offset < size else { return size }
        if let p = memchr(base + offset, 0x0A, size - offset) { return base.distance(to: p) }
        return size
    }

    /// The start of the line that contains `offset`.
    public func lineStart(containing offset: Int) -> Int {
        guard let base, offset > 0 else { return 0 }
        let o = min(offset, size)
        // Backwards 8 bytes at a time (glibc's memrchr is not visible from Swift).
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var i = o
        while i >= 8 {
            let w = UnsafeRawPointer(bytes + i - 8).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            if (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0 { break }
            i -= 8
        }
        while i > 0 {
            if bytes[i - 1] == 0x0A { return i }
            i -= 1
        }
        return 0
    }

    /// The first offset in `from..<to` where `needle` starts, or nil. Finds candidates with
    /// memchr on the needle's least common byte (glibc's memmem is not visible from Swift), so
    /// a plain-text search crosses a gigabyte in a fraction of a second.
    public func find(_ needle: [UInt8], from: Int, to: Int) -> Int? {
        guard let base, !needle.isEmpty else { return nil }
        let end = min(to, size)
        guard end - from >= needle.count else { return nil }
        let k = Self.rarestIndex(needle)
        let b = needle[k]
        var i = from + k
        let last = end - needle.count + k   // the last place the rare byte can be
        while i <= last {
            guard let p = memchr(base + i, Int32(b), last + 1 - i) else { return nil }
            let at = base.distance(to: p) - k
            if needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) }) == 0 { return at }
            i = at + k + 1
        }
        return nil
    }

    /// The last offset in `from..<to` where `needle` starts, or nil (searched in 1 MB windows
    /// from the end).
    public func findLast(_ needle: [UInt8], from: Int, to: Int) -> Int? {
        var end = min(to, size)
        while end - from >= needle.count {
            let lo = max(from, end - (1 << 20))
            var found: Int?
            var i = lo
            while let at = find(needle, from: i, to: end) { found = at; i = at + 1 }
            if let found { return found }
            if lo == from { return nil }
            end = lo + needle.count - 1   // a match across the window's edge
        }
        return nil
    }

    /// The byte of a needle least likely to be common in a log: not a space or a lower-case
    /// letter when the needle has anything else.
    static func rarestIndex(_ needle: [UInt8]) -> Int {
        func score(_ c: UInt8) -> Int {
            switch c {
            case 0x20: 100
            case 0x61...0x7A: 50
            case 0x30...0x39: 20
            case 0x41...0x5A: 10
            default: 5
            }
        }
        return needle.indices.min { score(needle[$0]) < score(needle[$1]) } ?? 0
    }

    /// The start of the next line, or nil at the last line.
    public func nextLine(after start: Int) -> Int? {
        let end = lineEnd(from: start)
        return end + 1 < size ? end + 1 : nil
    }

    /// The start of the previous line, or nil at the first.
    public func previousLine(before start: Int) -> Int? {
        guard start > 0 else { return nil }
        return lineStart(containing: start - 1)
    }

    /// The start of the last line (a final newline does not start an empty line).
    public var lastLineStart: Int {
        guard size > 0 else { return 0 }
        let end = bytes[size - 1] == 0x0A ? size - 1 : size
        return lineStart(containing: end)
    }

    /// The line starting at `start` as text: invalid UTF-8 becomes U+FFFD, a line longer than
    /// `limit` bytes is cut there (a 50 MB line costs no more than its first screenful).
    public func text(at start: Int, limit: Int = 1 << 16) -> String {
        guard let base, start < size else { return "" }
        let end = lineEnd(from: start)
        var n = min(end - start, limit)
        if n > 0, end - start == n, (base + start + n - 1).load(as: UInt8.self) == 0x0D { n -= 1 }
        return String(decoding: UnsafeRawBufferPointer(start: base + start, count: n), as: UTF8.self)
    }

    /// Length in bytes of the line starting at `start`.
    public func length(at start: Int) -> Int { lineEnd(from: start) - start }

    // MARK: The lazy line index

    /// Whether every line start is known.
    public var fullyIndexed: Bool { indexedUpTo >= size }

    /// Lines known so far (all of them once `fullyIndexed`).
    public var indexedLineCount: Int {
        lock.lock(); defer { lock.unlock() }
        return lineCountLocked
    }

    private var lineCountLocked: Int {
        // A trailing newline does not start a line; an empty file has none.
        if size == 0 { return 0 }
        if indexedUpTo >= size, offsets[offsets.count - 1] == size { return offsets.count - 1 }
        return offsets.count
    }

    /// Extends the index by about `budget` bytes. Returns true when the whole file is indexed.
    @discardableResult
    public func indexMore(budget: Int = LogFile.indexChunk) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let base, indexedUpTo < size else { indexedUpTo = size; return true }
        let from = indexedUpTo
        let stop = min(size, indexedUpTo + budget)
        var o = indexedUpTo
        while o < stop {
            guard let p = memchr(base + o, 0x0A, stop - o) else { break }
            let next = base.distance(to: p) + 1
            offsets.append(next)
            o = next
        }
        indexedUpTo = stop
        // The pages just indexed go back to the page cache: memory stays bounded however big
        // the file (they fault in again if shown).
        Self.release(base, from: from, to: stop, keepFirst: 1 << 20)
        return indexedUpTo >= size
    }

    /// The start offset of 0-based line `n`, indexing as far as needed; nil past the end.
    public func offset(ofLine n: Int) -> Int? {
        while true {
            lock.lock()
            let known = offsets.count > n && (offsets[n] < size || size == 0 && n == 0)
            let v = known ? offsets[n] : nil
            let done = indexedUpTo >= size
            lock.unlock()
            if let v { return v }
            if done { return nil }
            indexMore()
        }
    }

    /// The line number the file itself gives the line at `offset` (1-based, counting the lines
    /// before a narrowed view), when the index reaches it: what an editor shows.
    public func fileLine(ofOffset offset: Int) -> Int? { lineNumber(ofOffset: offset).map { $0 + 1 + linesBefore } }

    /// The start offset of the file's 1-based line `n` (as `fileLine` counts), if it is in view.
    public func offset(ofFileLine n: Int) -> Int? { n - 1 - linesBefore >= 0 ? offset(ofLine: n - 1 - linesBefore) : nil }

    /// The 0-based line number of the line starting at `offset`, when the index reaches it.
    public func lineNumber(ofOffset offset: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard offset < indexedUpTo || indexedUpTo >= size else { return nil }
        return offsets.lastIndex(atOrBefore: offset)
    }

    /// Drops the resident pages of [from, to) of a read-only mapping (page-aligned inside),
    /// except the first `keepFirst` bytes of the file.
    static func release(_ base: UnsafeMutableRawPointer, from: Int, to: Int, keepFirst: Int = 0) {
        // Pages are aligned by address: a view narrowed to an invocation starts mid-page.
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let start = (UInt(bitPattern: base + max(from, keepFirst)) + page - 1) / page * page
        let end = UInt(bitPattern: base + to) / page * page
        if end > start, let p = UnsafeMutableRawPointer(bitPattern: start) { madvise(p, Int(end - start), MADV_DONTNEED) }
    }

    /// Runs `body` over the mapped bytes, giving pages back every 64 MB (a full scan of a
    /// multi-gigabyte file keeps a small resident set). `body` reports how far it has read.
    public func withReleasingScan<T>(_ body: (UnsafeRawBufferPointer, @escaping (Int) -> Void) -> T) -> T {
        var released = 0
        let base = self.base
        return body(bytes) { upTo in
            guard let base, upTo - released >= 64 << 20 else { return }
            Self.release(base, from: released, to: upTo, keepFirst: 1 << 20)
            released = upTo
        }
    }

    // MARK: Sources other than a plain file

    static func temporaryPath() -> String {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return dir + "/strata-log-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
    }

    static func copyToTemporary(from handle: FileHandle) throws -> String {
        let out = temporaryPath()
        guard FileManager.default.createFile(atPath: out, contents: nil),
              let writer = FileHandle(forWritingAtPath: out) else { throw Failure.cannotOpen("-", "cannot create a temporary file") }
        defer { try? writer.close() }
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            writer.write(chunk)
        }
        return out
    }

    /// Inflates a gzip file 1 MB at a time into a temporary file.
    static func gunzip(_ path: String) throws -> String {
        guard let gz = gzopen(path, "rb") else { throw Failure.cannotOpen(path, String(cString: strerror(errno))) }
        defer { gzclose(gz) }
        let out = temporaryPath()
        guard let file = fopen(out, "wb") else { throw Failure.cannotOpen(path, "cannot create a temporary file") }
        defer { fclose(file) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = gzread(gz, buffer, 1 << 20)
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(gz, &code).map { String(cString: $0) } ?? "corrupt gzip data"
                unlink(out)
                throw Failure.cannotOpen(path, message)
            }
            if n == 0 { break }
            fwrite(buffer, 1, Int(n), file)
        }
        return out
    }
}


/// Line start offsets, 4 bytes each: per block of 4096 lines a full base, then 32-bit deltas.
struct LineOffsets {
    static let shift = 12
    private var bases: [Int] = []
    private var deltas: [UInt32] = []

    init() { append(0) }

    var count: Int { deltas.count }

    mutating func append(_ o: Int) {
        if deltas.count & ((1 << Self.shift) - 1) == 0 { bases.append(o) }
        deltas.append(UInt32(o - bases[bases.count - 1]))
    }

    subscript(i: Int) -> Int { bases[i >> Self.shift] + Int(deltas[i]) }

    /// The last index whose offset is <= `o`.
    func lastIndex(atOrBefore o: Int) -> Int {
        var lo = 0, hi = count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if self[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
