#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The credentials this process holds (tokens, credential header values), registered at start. Every string
/// from outside passes `Sanitizer`, which hides them, so a server or proxy that echoes a token back never gets
/// it onto the screen, into `tail` or a file. Read from the network thread and the main loop: behind a lock.
public enum Secrets {
    private static let store = SecretStore()
    /// How many are registered: read without the lock, so the common case (none, or a string that cannot hold
    /// one) costs one atomic load on the hot decode path.
    private static let count = Atomic<Int>(0)
    /// Shorter values would hide ordinary words; credentials are longer than this.
    public static let minimumLength = 6
    public static let mask = "<redacted>"

    public static func register(_ secret: String) {
        guard secret.utf8.count >= minimumLength else { return }
        count.store(store.add(secret), ordering: .releasing)
    }

    /// `text` with every registered secret replaced by `<redacted>`.
    public static func redact(_ text: String) -> String {
        guard count.load(ordering: .acquiring) > 0, text.utf8.count >= minimumLength else { return text }
        let values = store.snapshot()
        guard !values.isEmpty else { return text }
        var out = text
        for secret in values where out.utf8.count >= secret.utf8.count {
            out = replacing(secret, in: out)
        }
        return out
    }

    static func replacing(_ secret: String, in text: String) -> String {
        let needle = Array(secret.utf8)
        let hay = Array(text.utf8)
        guard let first = needle.first else { return text }
        var result: [UInt8] = []
        var i = 0
        var found = false
        while i < hay.count {
            if hay[i] == first, i + needle.count <= hay.count, hay[i..<(i + needle.count)].elementsEqual(needle) {
                result += Array(mask.utf8)
                i += needle.count
                found = true
            } else {
                result.append(hay[i])
                i += 1
            }
        }
        return found ? String(decoding: result, as: UTF8.self) : text
    }
}

/// A list that only grows, read far more often than written.
final class SecretStore: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var values: [String] = []

    init() { pthread_mutex_init(&mutex, nil) }

    /// Adds `value`; returns how many there are.
    func add(_ value: String) -> Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if !values.contains(value) { values.append(value) }
        return values.count
    }

    func snapshot() -> [String] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return values
    }
}
