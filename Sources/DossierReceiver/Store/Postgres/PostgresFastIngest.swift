import DossierCore
import Logging
import PostgresNIO

/// The common batch in one round trip: a server-side function (`dossier_store_batch`, created by migration v2)
/// that takes the features' locks, inserts the events (`ON CONFLICT (event_id) DO NOTHING`), counts the copies,
/// and applies the reduction's simple case: the new observations go in and the features' counters move on. It
/// runs as one statement, so it is its own transaction (committed, with `synchronous_commit=on`, before it answers).
///
/// The simple case is a batch without `snapshot_computed` events whose new observations fall into no held
/// snapshot's window (`order_key` at or after the lowest new key): nothing is re-verified. Otherwise the function
/// raises `needsReduction` before anything is kept, and the store runs the full reduction (`PostgresReduction`)
/// in a transaction of its own. Each statement of a PL/pgSQL function takes a fresh snapshot, so everything after
/// the locks sees every transaction that held them before: the same serialization as the full path.
enum PostgresFastIngest {
    /// The SQLSTATE the function raises when the batch needs the full reduction (class "DS": dossier's own).
    static let needsReduction = "DS001"

    /// One batch's columns: one row per first copy of an event, and one per new `artifact_indexed` observation.
    struct Columns: Sendable {
        var lockKeys: [Int64] = []
        var ids: [String] = [], types: [String] = [], slugs: [String] = [], times: [String] = []
        var keys: [String] = [], bodies: [ByteBuffer] = [], extraCopies: [Int64] = []
        var observationIDs: [String] = [], observationSlugs: [String] = [], observationKeys: [String] = []
        var paths: [String] = [], artifactKeys: [String] = []
        var hashes: [String] = [], statuses: [String] = []

        /// Nil when an envelope is a `snapshot_computed` event (the full path's work).
        init?(_ envelopes: [EventEnvelope], bodies: [ByteBuffer], extraCopies: [String: Int]) {
            lockKeys = Array(Set(envelopes.map { PostgresReceiverStore.lockKey($0.payload.featureSlug) })).sorted()
            for (envelope, body) in zip(envelopes, bodies) {
                switch envelope.payload {
                case .snapshotComputed:
                    return nil
                case .artifactIndexed(let p):
                    observationIDs.append(envelope.eventID)
                    observationSlugs.append(p.featureSlug)
                    observationKeys.append(EventOrderKey.key(envelope.timestamp))
                    paths.append(p.relativePath)
                    artifactKeys.append(p.artifactKey)
                    hashes.append(p.contentHashSHA256)
                    statuses.append(p.requiredStatus.rawValue)
                case .artifactMissing, .parityDriftDetected:
                    break
                }
                ids.append(envelope.eventID)
                types.append(envelope.eventType.rawValue)
                slugs.append(envelope.payload.featureSlug)
                times.append(envelope.timestamp)
                keys.append(EventOrderKey.key(envelope.timestamp))
                self.bodies.append(body)
                self.extraCopies.append(Int64(extraCopies[envelope.eventID] ?? 0))
            }
        }
    }

    /// Stores the batch in one statement; returns the ids inserted, or nil when it needs the full reduction (then
    /// nothing was kept).
    static func store(
        _ connection: PostgresConnection, _ columns: Columns, batchID: String, receivedAt: String, logger: Logger
    ) async throws -> Set<String>? {
        let c = columns
        do {
            var inserted: Set<String> = []
            for try await id in try await connection.query(
                """
                SELECT dossier_store_batch(\(c.lockKeys)::int8[], \(c.ids)::text[], \(c.types)::text[],
                    \(c.slugs)::text[], \(c.times)::text[], \(c.keys)::text[], \(c.bodies)::bytea[],
                    \(c.extraCopies)::int8[], \(c.observationIDs)::text[], \(c.observationSlugs)::text[],
                    \(c.observationKeys)::text[], \(c.paths)::text[],
                    \(c.artifactKeys)::text[], \(c.hashes)::text[], \(c.statuses)::text[], \(batchID), \(receivedAt))
                """, logger: logger
            ).decode(String.self) {
                inserted.insert(id)
            }
            return inserted
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == needsReduction {
            return nil
        }
    }

    /// The function (migration v2). Mirrors `PostgresReceiverStore.transaction` and `PostgresReduction.apply` for
    /// the simple case; every comparison of keys is by bytes (`COLLATE "C"`), as in Swift.
    static let createFunction = #"""
        CREATE OR REPLACE FUNCTION dossier_store_batch(
            p_lock_keys int8[], p_ids text[], p_types text[], p_slugs text[], p_times text[], p_keys text[],
            p_bodies bytea[], p_extra int8[], p_obs_ids text[], p_obs_slugs text[], p_obs_keys text[],
            p_paths text[], p_artifact_keys text[],
            p_hashes text[], p_statuses text[], p_batch text, p_received text)
        RETURNS SETOF text LANGUAGE plpgsql AS $fn$
        DECLARE
            lock_key int8;
            fresh text[];
            all_fresh boolean;
            must_reduce boolean;
        BEGIN
            -- The batch's features, in sorted order (two receivers never wait on each other in a cycle).
            FOREACH lock_key IN ARRAY p_lock_keys LOOP
                PERFORM pg_advisory_xact_lock(lock_key);
            END LOOP;
            -- Copies beyond the first within the batch count as received at once.
            WITH ins AS (
                INSERT INTO received_events
                    (event_id, event_type, feature_slug, timestamp, body, batch_id, received_at, receive_count)
                SELECT e.id, e.type, e.slug, e.at, e.body, p_batch, p_received, 1 + e.extra
                FROM unnest(p_ids, p_types, p_slugs, p_times, p_bodies, p_extra) AS e(id, type, slug, at, body, extra)
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id)
            SELECT coalesce(array_agg(event_id), '{}') INTO fresh FROM ins;
            all_fresh := cardinality(fresh) = cardinality(p_ids);
            -- Events stored before: every copy of this batch is one more receipt.
            IF NOT all_fresh THEN
                UPDATE received_events r SET receive_count = r.receive_count + 1 + e.extra
                FROM unnest(p_ids, p_extra) AS e(id, extra)
                WHERE r.event_id = e.id AND NOT e.id = ANY(fresh);
            END IF;
            -- New observations after the served snapshot (older ones are history the catalog already has). A
            -- held snapshot whose window gains one must be re-verified: the full path's work (the raise undoes all).
            WITH obs AS (
                INSERT INTO observations
                    (event_id, feature_slug, order_key, relative_path, artifact_key, content_hash, required_status)
                SELECT o.id, o.slug, o.key, o.path, o.artifact_key, o.hash, o.status
                FROM unnest(p_obs_ids, p_obs_slugs, p_obs_keys, p_paths, p_artifact_keys, p_hashes, p_statuses)
                    AS o(id, slug, key, path, artifact_key, hash, status)
                LEFT JOIN features f ON f.feature_slug = o.slug
                    AND f.snapshot_key IS NOT NULL AND f.snapshot_event_id IS NOT NULL
                WHERE (all_fresh OR o.id = ANY(fresh))
                    AND (f.feature_slug IS NULL OR o.key COLLATE "C" > f.snapshot_key)
                RETURNING feature_slug, order_key)
            SELECT EXISTS (
                SELECT 1 FROM (SELECT feature_slug, min(order_key) AS low FROM obs GROUP BY feature_slug) n
                JOIN snapshots s ON s.feature_slug = n.feature_slug AND s.order_key >= n.low
            ) INTO must_reduce;
            IF must_reduce THEN
                RAISE EXCEPTION 'the batch needs the full reduction' USING ERRCODE = 'DS001';
            END IF;
            INSERT INTO features (feature_slug, events, last_event_at, last_event_sort)
            SELECT e.slug, count(*), (array_agg(e.at ORDER BY e.sort DESC))[1], max(e.sort)
            FROM (
                SELECT slug, at, (key || '|' || at) COLLATE "C" AS sort
                FROM unnest(p_ids, p_slugs, p_times, p_keys) AS u(id, slug, at, key)
                WHERE all_fresh OR id = ANY(fresh)
            ) e
            GROUP BY e.slug
            ON CONFLICT (feature_slug) DO UPDATE SET events = features.events + excluded.events,
                last_event_at = CASE
                    WHEN features.last_event_sort IS NULL OR excluded.last_event_sort > features.last_event_sort
                    THEN excluded.last_event_at ELSE features.last_event_at END,
                last_event_sort = CASE
                    WHEN features.last_event_sort IS NULL OR excluded.last_event_sort > features.last_event_sort
                    THEN excluded.last_event_sort ELSE features.last_event_sort END;
            RETURN QUERY SELECT unnest(fresh);
        END
        $fn$
        """#
}
