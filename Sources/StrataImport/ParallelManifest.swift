import Dispatch
import Foundation

/// Decodes a big manifest on every core: the `nodes` object (nearly all of a manifest) is split
/// at its top-level entries by a byte scanner, the parts are decoded concurrently, and the rest
/// of the document is decoded with `nodes` emptied. Any failure falls back to one whole decode,
/// so error messages (JSON path, line) are the same as without the split.
extension DbtImporter {
    /// Below this size one decode is as fast.
    static let parallelThreshold = 8 << 20

    static func decodeManifest(_ data: Data, file: String) throws -> Manifest {
        // The byte-level reader first; it gives up on anything unexpected, and the decoders
        // below then give the reference answer or the error with its JSON path.
        if let m = ManifestReader.read(data) { return m }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if data.count >= parallelThreshold, cores > 1, let m = try? decodeSplit(data, parts: min(cores, 8) * 2) {
            return m
        }
        return try ImportInput.decode(Manifest.self, data, file: file)
    }

    /// nil when the document does not have the expected shape (the caller then decodes it whole).
    static func decodeSplit(_ data: Data, parts: Int) throws -> Manifest? {
        guard let split = splitNodes(data), !split.entries.isEmpty else { return nil }
        // The document with `"nodes": {}`.
        var rest = Data(capacity: data.count - (split.valueEnd - split.valueStart) + 2)
        rest.append(data[data.startIndex..<(data.startIndex + split.valueStart)])
        rest.append(contentsOf: Array("{}".utf8))
        rest.append(data[(data.startIndex + split.valueEnd)...])
        // Groups of entries of about equal size.
        let n = min(parts, split.entries.count)
        var groups: [Range<Int>] = []
        let total = split.entries.last!.upperBound - split.entries.first!.lowerBound
        var start = 0
        var acc = 0
        for (i, r) in split.entries.enumerated() {
            acc += r.count
            if acc >= total / n * (groups.count + 1) || i == split.entries.count - 1 {
                groups.append(start..<(i + 1)); start = i + 1
            }
        }
        let chunks: [Data] = groups.map { g in
            var d = Data(capacity: split.entries[g.upperBound - 1].upperBound - split.entries[g.lowerBound].lowerBound + 2)
            d.append(UInt8(ascii: "{"))
            for (k, i) in g.enumerated() {
                if k > 0 { d.append(UInt8(ascii: ",")) }
                let r = split.entries[i]
                d.append(data[(data.startIndex + r.lowerBound)..<(data.startIndex + r.upperBound)])
            }
            d.append(UInt8(ascii: "}"))
            return d
        }
        let slots = Slots(count: chunks.count)
        let restData = rest
        DispatchQueue.concurrentPerform(iterations: chunks.count + 1) { i in
            if i == chunks.count {
                slots.rest = try? JSONDecoder().decode(Manifest.self, from: restData)
            } else {
                slots.parts[i] = try? JSONDecoder().decode([String: Node].self, from: chunks[i])
            }
        }
        guard var manifest = slots.rest else { return nil }
        var nodes: [String: Node] = [:]
        nodes.reserveCapacity(split.entries.count)
        for i in 0..<chunks.count {
            guard let part = slots.parts[i] else { return nil }
            nodes.merge(part) { a, _ in a }
        }
        guard nodes.count == split.entries.count else { return nil }   // duplicate keys: let the whole decode judge
        manifest.nodes = nodes
        return manifest
    }

    /// One slot per concurrent decode; each is written by exactly one iteration and read only
    /// after `concurrentPerform` returns, hence unchecked.
    final class Slots: @unchecked Sendable {
        let parts: UnsafeMutableBufferPointer<[String: Node]?>
        var rest: Manifest?
        init(count: Int) {
            parts = .allocate(capacity: count)
            parts.initialize(repeating: nil)
        }
        deinit { parts.deinitialize(); parts.deallocate() }
    }

    /// Where the value of the top-level key `nodes` is, and the byte range of each of its
    /// entries (`"key": {...}`), relative to the start of `data`.
    static func splitNodes(_ data: Data) -> (valueStart: Int, valueEnd: Int, entries: [Range<Int>])? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (Int, Int, [Range<Int>])? in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            var i = 0
            var depth = 0
            let quote = UInt8(ascii: "\"")
            let open1 = UInt8(ascii: "{"), open2 = UInt8(ascii: "["), close1 = UInt8(ascii: "}"), close2 = UInt8(ascii: "]")
            let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
            /// Index just past the string starting at `i` (which is a quote).
            func skipString(_ start: Int) -> Int { JSONBytes.skipString(b, from: start) }
            let isSpace = JSONBytes.isSpace
            var nodesStart = -1
            while i < n {
                let c = b[i]
                if c == quote {
                    let end = skipString(i)
                    if depth == 1 && end - i == 7 && b[i + 1] == UInt8(ascii: "n") && b[i + 2] == UInt8(ascii: "o")
                        && b[i + 3] == UInt8(ascii: "d") && b[i + 4] == UInt8(ascii: "e") && b[i + 5] == UInt8(ascii: "s") {
                        var j = end
                        while j < n && isSpace(b[j]) { j += 1 }
                        if j < n && b[j] == colon {
                            j += 1
                            while j < n && isSpace(b[j]) { j += 1 }
                            if j < n && b[j] == open1 { nodesStart = j; i = j; break }
                        }
                    }
                    i = end
                    continue
                }
                if c == open1 || c == open2 { depth += 1 } else if c == close1 || c == close2 { depth -= 1 }
                i += 1
            }
            guard nodesStart >= 0 else { return nil }
            // Walk the nodes object: entries are separated by commas at its own depth.
            var entries: [Range<Int>] = []
            var level = 0
            i = nodesStart
            var entryStart = -1
            while i < n {
                let c = b[i]
                if c == quote {
                    if level == 1 && entryStart < 0 { entryStart = i }
                    i = skipString(i)
                    continue
                }
                if c == open1 || c == open2 {
                    level += 1
                } else if c == close1 || c == close2 {
                    level -= 1
                    if level == 0 {
                        if entryStart >= 0 {
                            var e = i
                            while e > entryStart && isSpace(b[e - 1]) { e -= 1 }
                            entries.append(entryStart..<e)
                        }
                        return (nodesStart, i + 1, entries)
                    }
                } else if c == comma && level == 1 {
                    var e = i
                    while e > entryStart && isSpace(b[e - 1]) { e -= 1 }
                    if entryStart >= 0 { entries.append(entryStart..<e) }
                    entryStart = -1
                }
                i += 1
            }
            return nil
        }
    }
}
