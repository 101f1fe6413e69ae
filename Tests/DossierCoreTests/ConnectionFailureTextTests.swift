import Foundation
import NIOCore
import Testing

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

/// The reason a user reads when an endpoint cannot be reached: one clean phrase, never NIO's nested description.
@Suite struct ConnectionFailureTextTests {
    @Test func socketErrorsReadAsPlainWords() {
        #expect(
            ConnectionFailureText.phrase(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == "connection refused")
        #expect(ConnectionFailureText.errnoPhrase(ECONNRESET) == "connection reset by the server")
        #expect(ConnectionFailureText.errnoPhrase(EHOSTUNREACH) == "host unreachable")
        #expect(ConnectionFailureText.errnoPhrase(ENETUNREACH) == "network unreachable")
        #expect(ConnectionFailureText.errnoPhrase(ENOBUFS).hasPrefix("connection failed: "))
        #expect(!ConnectionFailureText.errnoPhrase(ENOBUFS).contains("errno"))
    }

    @Test func channelAndUnknownErrorsStayOneLine() {
        #expect(ConnectionFailureText.phrase(ChannelError.eof) == "the server closed the connection before answering")
        struct Odd: Error, CustomStringConvertible { var description: String { "two\nlines\u{1b}[2J" } }
        let text = ConnectionFailureText.phrase(Odd())
        #expect(text.hasPrefix("connection failed: ") && !text.contains("\n") && !text.contains("\u{1b}"))
    }

    /// A server that accepts and resets every connection at once (SO_LINGER 0), over real loopback.
    @Test func aConnectionResetBeforeTheAnswerIsNamedAsSuch() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(fd, 4) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let listener = Thread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(client)
        }
        listener.start()
        defer { close(fd) }
        let transport = HTTPWebhookTransport(connectTimeout: 5, requestTimeout: 10)
        let answer = await transport.post(url: "http://127.0.0.1:\(port)/webhook", headers: [], body: Data("{}".utf8))
        await transport.shutdown()
        guard case .connectionFailed(let message) = answer else {
            Issue.record("expected a connection failure, got \(answer)")
            return
        }
        let expected = ["connection reset by the server", "the server closed the connection before answering"]
        #expect(expected.contains(message), "\(message)")
    }
}
