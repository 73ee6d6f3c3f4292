import StrataCatalog

/// Which way to walk: toward what a node reads from, or toward what reads from it.
public enum LineageDirection: Sendable {
    case upstream, downstream

    public var flipped: LineageDirection { self == .upstream ? .downstream : .upstream }
}

/// Nodes reached by a walk, in breadth-first order, with their depth in edges.
public struct Reach: Sendable {
    public var nodes: [Int32] = []
    public var depths: [Int32] = []

    public var count: Int { nodes.count }
}

/// The catalog's edge graph held as integer arrays, walked without touching SQLite. Each
/// direction is loaded from the catalog on its first use (a `+x` never loads the downstream
/// rows); every closure afterwards costs only the nodes it reaches.
public final class LineageGraph: @unchecked Sendable {
    private let load: (LineageDirection) throws -> AdjacencyRows
    private let loadNames: () throws -> [String]
    private let loadSources: (LineageDirection) throws -> [UInt8]
    private let loadCycleCandidates: () throws -> [Int32]
    private let loadStoredCycleCandidates: () throws -> [Int32]?
    /// Where small questions read neighbours from the edge indexes (nil for a graph over arrays
    /// already in memory).
    private let catalog: Catalog?
    private var upstreamSources: [UInt8]?
    private var downstreamSources: [UInt8]?
    private var upstreamRows: AdjacencyRows?
    private var downstreamRows: AdjacencyRows?
    private var names: [String]?
    private var candidates: Set<Int32>?
    /// Per-node stamp of the walk that last visited it, so a walk needs no clearing pass.
    private var seenStamp: [UInt32] = []
    private var stamp: UInt32 = 0

    public init(catalog: Catalog) {
        load = { try catalog.lineageRows(upstream: $0 == .upstream) }
        loadNames = { try catalog.lineageSourceNames() }
        loadSources = { try catalog.lineageEdgeSources(upstream: $0 == .upstream) }
        loadCycleCandidates = { try catalog.lineageCycleCandidates() }
        loadStoredCycleCandidates = { try catalog.storedLineageCycleCandidates() }
        self.catalog = catalog
    }

    /// A graph over arrays already in memory.
    public init(_ arrays: LineageArrays, cycleCandidates: [Int32]? = nil) {
        load = { $0 == .upstream ? arrays.upstream : arrays.downstream }
        loadNames = { arrays.sourceNames }
        loadSources = { $0 == .upstream ? arrays.upstream.sources : arrays.downstream.sources }
        let all = (0..<Int32(arrays.nodeCount)).map { $0 }
        loadCycleCandidates = { cycleCandidates ?? all }
        loadStoredCycleCandidates = { cycleCandidates ?? all }
        catalog = nil
    }

    /// Whether a direction's arrays are in memory (after that, every question reads them).
    private func isLoaded(_ direction: LineageDirection) -> Bool {
        (direction == .upstream ? upstreamRows : downstreamRows) != nil
    }

    public func rows(_ direction: LineageDirection) throws -> AdjacencyRows {
        if let r = direction == .upstream ? upstreamRows : downstreamRows { return r }
        let r = try load(direction)
        if direction == .upstream { upstreamRows = r } else { downstreamRows = r }
        if seenStamp.count < r.nodeCount { seenStamp = [UInt32](repeating: 0, count: r.nodeCount); stamp = 0 }
        return r
    }

    /// Who asserted each edge of a direction, parallel to `rows(direction).targets`; loaded
    /// only when edges are printed.
    public func sources(_ direction: LineageDirection) throws -> [UInt8] {
        if let s = direction == .upstream ? upstreamSources : downstreamSources { return s }
        let s = try loadSources(direction)
        if direction == .upstream { upstreamSources = s } else { downstreamSources = s }
        return s
    }

    public func nodeCount() throws -> Int { try rows(.upstream).nodeCount }

    public func edgeCount() throws -> Int { try rows(.upstream).targets.count }

    public func sourceNames() throws -> [String] {
        if let names { return names }
        let n = try loadNames()
        names = n
        return n
    }

    /// Direct neighbours of one node (the node's own edges, duplicates by source merged).
    public func neighbors(of node: Int32, _ direction: LineageDirection) throws -> [Int32] {
        try neighbors(of: [node], direction)[node] ?? []
    }

    /// Direct neighbours of each of `nodes`, each once. While the direction's arrays are not
    /// loaded, up to `probeBudget` nodes are asked of the edge indexes (the order is the same:
    /// both follow the edge keys); more read the arrays.
    public func neighbors(of nodes: [Int32], _ direction: LineageDirection) throws -> [Int32: [Int32]] {
        var out: [Int32: [Int32]] = [:]
        if let catalog, !isLoaded(direction), nodes.count <= Self.probeBudget {
            try catalog.probingLineage(upstream: direction == .upstream) { neighbors in
                for n in nodes where out[n] == nil {
                    var once: [Int32] = []
                    for t in try neighbors(n) where !once.contains(t) { once.append(t) }
                    out[n] = once
                }
            }
            return out
        }
        let r = try rows(direction)
        for n in nodes { out[n] = r.neighbors(of: n) }
        return out
    }

    /// Edges from any of `nodes` to any of them, with who asserted each, in the order of
    /// `nodes.sorted()` and then of the edge keys.
    public func edges(among nodes: [Int32]) throws -> [(from: Int32, to: Int32, source: String)] {
        let inSet = Set(nodes)
        if let catalog, !isLoaded(.downstream), nodes.count <= Self.probeBudget {
            return try catalog.lineageEdges(from: nodes.sorted()).filter { inSet.contains($0.to) }
        }
        let down = try rows(.downstream)
        let sources = try sources(.downstream)
        let names = try sourceNames()
        var out: [(Int32, Int32, String)] = []
        for n in nodes.sorted() where n >= 0 && Int(n) < down.nodeCount {
            for i in Int(down.offsets[Int(n)])..<Int(down.offsets[Int(n) + 1]) where inSet.contains(down.targets[i]) {
                let s = Int(sources[i])
                out.append((n, down.targets[i], s < names.count ? names[s] : "?"))
            }
        }
        return out
    }

    /// Sources ("dbt", "openlineage", …) of the edges from `a` to `b` (in that direction of
    /// data flow: `a` is read by `b`).
    public func edgeSources(from a: Int32, to b: Int32) throws -> [String] {
        let r = try rows(.downstream)
        let names = try sourceNames()
        let sources = try self.sources(.downstream)
        guard a >= 0, Int(a) < r.nodeCount else { return [] }
        var out: [String] = []
        for i in Int(r.offsets[Int(a)])..<Int(r.offsets[Int(a) + 1]) where r.targets[i] == b {
            let s = Int(sources[i])
            out.append(s < names.count ? names[s] : "?")
        }
        return out
    }

    private func nextStamp() -> UInt32 {
        if stamp == UInt32.max {
            for i in seenStamp.indices { seenStamp[i] = 0 }
            stamp = 0
        }
        stamp += 1
        return stamp
    }

    /// How many nodes a walk may reach through the edge indexes before it gives up and reads
    /// the direction's arrays instead. Reading the upstream arrays of a million edges costs about
    /// as much as ~860 probes (BENCHMARKS.md, "Small closures from the edge index"); a closure of
    /// a few dozen nodes, the common question, costs a few dozen.
    public static let probeBudget = 256

    /// Breadth-first walk from `seeds` (depth 0) up to `maxDepth` edges (nil: no limit).
    /// Every node is reached once, so cycles end the walk instead of looping it. Until the
    /// direction's arrays are loaded, a walk first tries the edge indexes (see `probeBudget`);
    /// both ways reach the same nodes at the same depths.
    public func walk(from seeds: [Int32], _ direction: LineageDirection, maxDepth: Int? = nil) throws -> Reach {
        if let catalog, !isLoaded(direction),
           let reach = try catalog.probingLineage(upstream: direction == .upstream, { neighbors in
               try Self.walk(from: seeds, maxDepth: maxDepth, budget: Self.probeBudget, neighbors: neighbors)
           }) {
            return reach
        }
        let r = try rows(direction)
        let mark = nextStamp()
        var reach = Reach()
        let limit = Int32(clamping: maxDepth ?? Int(Int32.max))
        seenStamp.withUnsafeMutableBufferPointer { seen in
            r.offsets.withUnsafeBufferPointer { offsets in
                r.targets.withUnsafeBufferPointer { targets in
                    for s in seeds where s >= 0 && Int(s) < seen.count && seen[Int(s)] != mark {
                        seen[Int(s)] = mark
                        reach.nodes.append(s); reach.depths.append(0)
                    }
                    var head = 0
                    while head < reach.nodes.count {
                        let node = Int(reach.nodes[head])
                        let depth = reach.depths[head]
                        head += 1
                        if depth >= limit { continue }
                        for i in Int(offsets[node])..<Int(offsets[node + 1]) {
                            let t = Int(targets[i])
                            if seen[t] != mark {
                                seen[t] = mark
                                reach.nodes.append(Int32(t)); reach.depths.append(depth + 1)
                            }
                        }
                    }
                }
            }
        }
        return reach
    }

    /// The same walk over any neighbour function; nil once it would reach more than `budget`
    /// nodes.
    static func walk(from seeds: [Int32], maxDepth: Int?, budget: Int,
                     neighbors: (Int32) throws -> [Int32]) rethrows -> Reach? {
        let limit = Int32(clamping: maxDepth ?? Int(Int32.max))
        var seen = Set<Int32>()
        var reach = Reach()
        for s in seeds where s >= 0 && seen.insert(s).inserted {
            reach.nodes.append(s); reach.depths.append(0)
        }
        var head = 0
        while head < reach.nodes.count {
            if reach.nodes.count > budget { return nil }
            let node = reach.nodes[head], depth = reach.depths[head]
            head += 1
            if depth >= limit { continue }
            for t in try neighbors(node) where seen.insert(t).inserted {
                reach.nodes.append(t); reach.depths.append(depth + 1)
            }
        }
        return reach.nodes.count > budget ? nil : reach
    }

    /// Counts of direct and of all neighbours of a node in one direction (all: the closure
    /// without the node itself).
    public func neighbourCounts(of node: Int32, _ direction: LineageDirection) throws -> (direct: Int, total: Int) {
        (try neighbors(of: node, direction).count, try walk(from: [node], direction).count - 1)
    }

    /// The shortest paths (as node lists, `from` first) along which data flows from `from` to
    /// `to`, at most `limit` of them, and every node that lies on some path between them.
    public func paths(from: Int32, to: Int32, limit: Int = 10) throws -> (paths: [[Int32]], onAnyPath: [Int32]) {
        let down = try walk(from: [from], .downstream)
        let downSet = Set(down.nodes)
        guard downSet.contains(to) else { return ([], []) }
        let up = try walk(from: [to], .upstream)
        let between = up.nodes.filter { downSet.contains($0) }
        let allowed = Set(between)
        // Breadth-first from `from` inside the nodes between, keeping every shortest parent.
        var depth: [Int32: Int] = [from: 0]
        var parents: [Int32: [Int32]] = [:]
        var frontier = [from]
        while !frontier.isEmpty, depth[to] == nil {
            var next: [Int32] = []
            for node in frontier {
                for t in try neighbors(of: node, .downstream) where allowed.contains(t) {
                    if depth[t] == nil { depth[t] = depth[node]! + 1; next.append(t) }
                    if depth[t] == depth[node]! + 1 { parents[t, default: []].append(node) }
                }
            }
            frontier = next
        }
        var paths: [[Int32]] = []
        func unwind(_ node: Int32, _ suffix: [Int32]) {
            guard paths.count < limit else { return }
            if node == from { paths.append([from] + suffix); return }
            for p in parents[node] ?? [] { unwind(p, [node] + suffix) }
        }
        unwind(to, [])
        return (paths, between)
    }

    /// Cycles among `nodes` (strongly connected parts of more than one node, or a node with an
    /// edge to itself), each as a list of nodes starting at its lowest, lowest first: the same
    /// answer whichever way the edges were read.
    public func cycles(among selected: [Int32]) throws -> [[Int32]] {
        try unorderedCycles(among: selected).map { part in
            let start = part.firstIndex(of: part.min()!)!
            return Array(part[start...] + part[..<start])
        }.sorted { $0[0] < $1[0] }
    }

    private func unorderedCycles(among selected: [Int32]) throws -> [[Int32]] {
        // Only nodes that survive peeling the whole graph's sources and sinks can be on one.
        if candidates == nil, let stored = try loadStoredCycleCandidates() { candidates = Set(stored) }
        if candidates == nil, let catalog, !isLoaded(.downstream), selected.count <= Self.probeBudget {
            // Nothing stored yet (the catalog was just imported): a small selection is checked
            // over its own edges rather than building the whole graph's arrays for it.
            return try catalog.probingLineage(upstream: false) { try Self.cycles(among: selected, neighbors: $0) }
        }
        if candidates == nil { candidates = Set(try loadCycleCandidates()) }
        let nodes = selected.filter { candidates!.contains($0) }
        guard !nodes.isEmpty else { return [] }
        let r = try rows(.downstream)
        return Self.cycles(among: nodes) { r.neighbors(of: $0) }
    }

    /// Iterative Tarjan over the edges among `nodes`, so deep graphs cannot overflow the stack.
    static func cycles(among nodes: [Int32], neighbors: (Int32) throws -> [Int32]) rethrows -> [[Int32]] {
        let inSet = Set(nodes)
        var index: [Int32: Int] = [:], low: [Int32: Int] = [:]
        var onStack = Set<Int32>(), stack: [Int32] = []
        var counter = 0
        var found: [[Int32]] = []
        for start in nodes where index[start] == nil {
            // Frames: a node, its neighbours among `nodes`, and the next one to look at.
            var frames: [(node: Int32, next: [Int32], at: Int)] = [(start, try neighbors(start).filter(inSet.contains), 0)]
            index[start] = counter; low[start] = counter; counter += 1
            stack.append(start); onStack.insert(start)
            while let top = frames.last {
                let v = top.node
                var at = top.at
                var descended = false
                while at < top.next.count {
                    let w = top.next[at]
                    at += 1
                    if index[w] == nil {
                        frames[frames.count - 1].at = at
                        index[w] = counter; low[w] = counter; counter += 1
                        stack.append(w); onStack.insert(w)
                        frames.append((w, try neighbors(w).filter(inSet.contains), 0))
                        descended = true
                        break
                    } else if onStack.contains(w) {
                        low[v] = min(low[v]!, index[w]!)
                    }
                }
                if descended { continue }
                frames.removeLast()
                if let parent = frames.last { low[parent.node] = min(low[parent.node]!, low[v]!) }
                if low[v] == index[v] {
                    var part: [Int32] = []
                    while let w = stack.popLast() {
                        onStack.remove(w); part.append(w)
                        if w == v { break }
                    }
                    if part.count > 1 || top.next.contains(v) { found.append(part.reversed()) }
                }
            }
        }
        return found
    }
}

extension AdjacencyRows {
    /// Direct neighbours of one node, each once (edges asserted by several sources merged).
    public func neighbors(of node: Int32) -> [Int32] {
        guard node >= 0, Int(node) < nodeCount else { return [] }
        var out: [Int32] = []
        for i in Int(offsets[Int(node)])..<Int(offsets[Int(node) + 1]) where !out.contains(targets[i]) {
            out.append(targets[i])
        }
        return out
    }
}
