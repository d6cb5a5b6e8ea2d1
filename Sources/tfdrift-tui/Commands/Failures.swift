#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// Something that went wrong while running, not in how the program was called: one sentence on stderr and exit
/// status 1, without the usage text a `ValidationError` (status 64) brings. The table of exit statuses is in
/// `--help` (`RootCommand`), the man page and the README.
struct RuntimeFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The terminal cannot host the dashboard (no terminal at all, or one ncurses cannot drive): the sentence, then
/// exit status 2.
func terminalFailure(_ sentence: String) -> ExitCode {
    Console.print("tfdrift-tui: \(sentence)", to: STDERR_FILENO)
    return ExitCode(2)
}
