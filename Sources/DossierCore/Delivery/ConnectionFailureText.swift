import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Why a connection to an endpoint failed, as one short phrase for the flush summary, the attempt log and the
/// dashboard ("connection refused", "host name not found: x.invalid"), from the error NIO or async-http-client
/// threw. Their own descriptions nest badly (`connection reset (error set): Connection refused) (errno: 111)`).
enum ConnectionFailureText {
    /// The phrase for `error`; an error of an unknown kind keeps its own description, escaped for a terminal.
    static func phrase(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            // Every address was tried: the first one's failure says why (they fail alike on loopback and LANs).
            if let first = error.connectionErrors.first { return phrase(first.error) }
            return "host name not found: \(TerminalText.escape(error.host, limit: 200))"
        case let error as IOError:
            return errnoPhrase(error.errnoCode)
        case let error as HTTPClientError:
            return clientPhrase(error)
        case let error as ChannelError:
            switch error {
            case .connectTimeout: return "connect timed out"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return "the server closed the connection before answering"
            default: return "connection failed: \(TerminalText.escape("\(error)", limit: 200))"
            }
        case is CancellationError:
            return "request cancelled"
        default:
            // TLS errors keep their whole text: the reason (CERTIFICATE_VERIFY_FAILED, …) comes last.
            let text = TerminalText.escape(String(describing: error), limit: 600)
            return text.contains("SSL") || text.contains("TLS") ? "TLS failed: \(text)" : "connection failed: \(text)"
        }
    }

    static func clientPhrase(_ error: HTTPClientError) -> String {
        switch error {
        case .remoteConnectionClosed:
            return "the server closed the connection before answering"
        case .cancelled: return "request cancelled"
        case .connectTimeout: return "connect timed out"
        case .readTimeout, .deadlineExceeded: return "no answer in time"
        case .tlsHandshakeTimeout: return "TLS handshake timed out"
        case .invalidURL: return "invalid URL"
        default: return "connection failed: \(TerminalText.escape(String(describing: error), limit: 200))"
        }
    }

    /// Socket errors in the words a user would look for.
    static func errnoPhrase(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "connection reset by the server"
        case EPIPE: "the server closed the connection before answering"
        case ETIMEDOUT: "connect timed out"
        case EHOSTUNREACH: "host unreachable"
        case ENETUNREACH: "network unreachable"
        case EADDRNOTAVAIL: "address not available"
        case EACCES, EPERM: "connection not permitted (firewall?)"
        default: "connection failed: \(CPath.errorText(code).lowercased())"
        }
    }
}
