import DossierCore
import Testing

@Suite struct ParityHashTests {
    // sha256("alpha\n") and sha256("beta"), from `printf 'alpha\n' | sha256sum` and `printf 'beta' | sha256sum`.
    static let alpha = "b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060"
    static let beta = "f44e64e75f3948e9f73f8dfa94721c4ce8cbb4f265c4790c702b2d41cfbf2753"

    @Test func goldenVectorMatchesIndependentSha256sum() {
        // printf "a.md\t$A\nb.md\t$B" | sha256sum  (A, B as above) → 75ae61a3…
        let expected = "75ae61a34d2f5749cc4812f6a89094a3ab42885c7e569e61f4d55a5cba37ab10"
        #expect(ParityHash.compute([("a.md", Self.alpha), ("b.md", Self.beta)]) == expected)
        #expect(ParityHash.compute([("b.md", Self.beta), ("a.md", Self.alpha)]) == expected)
    }

    @Test func emptyDossierHashesTheEmptyString() {
        // printf '' | sha256sum
        #expect(ParityHash.compute([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ParityHash.empty == ParityHash.compute([]))
    }

    @Test func nfdSortsBeforeNfcByBytesAndBothStay() {
        let nfc = "caf\u{E9}.md"  // 63 61 66 C3 A9
        let nfd = "cafe\u{301}.md"  // 63 61 66 65 CC 81: 0x65 < 0xC3, so NFD first
        // printf "cafe\xcc\x81.md\t$B\ncaf\xc3\xa9.md\t$A" | sha256sum
        let expected = "6c4388ebec91f883ca5740753f6c6a00ea3eacaa08182cecba297018bd9b6485"
        #expect(ParityHash.compute([(nfc, Self.alpha), (nfd, Self.beta)]) == expected)
        #expect(ByteOrder.less(nfd, nfc))
        #expect(!ByteOrder.equal(nfd, nfc))
        #expect(nfd == nfc)  // what Swift's String == says, and why we never use it for paths
    }

    @Test func pathSensitive() {
        #expect(ParityHash.compute([("a.md", Self.alpha)]) != ParityHash.compute([("A.md", Self.alpha)]))
    }
}
