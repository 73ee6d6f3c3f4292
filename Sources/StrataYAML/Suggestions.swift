/// Levenshtein distance between two strings: "did you mean" hints for ids, keys and actions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return prev[b.count]
}

/// The candidate nearest to `word` by edit distance (the first of equally near ones), or nil
/// when there is none within `maxDistance`: the "did you mean" of a message.
public func closest(_ word: String, in candidates: some Sequence<String>, maxDistance: Int = .max) -> String? {
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(word, candidate)
        if distance < best?.distance ?? .max { best = (candidate, distance) }
    }
    guard let best, best.distance <= maxDistance else { return nil }
    return best.candidate
}
