using System;
using System.Collections.Generic;
using System.Globalization;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>The reader/writer handed to one Read or Write unit of work.</summary>
    internal sealed class SqliteSession : IStoreWriter
    {
        private readonly SqliteDb _db;
        private readonly SqliteStore _store;

        private readonly bool _writing;

        public SqliteSession(SqliteDb db, SqliteStore store, bool writing)
        {
            _db = db;
            _store = store;
            _writing = writing;
        }

        public RunRecord? FindRunByName(string name) => SqliteRunRows.FindByName(_db, name);
        public RunRecord? FindRunById(Guid id) => SqliteRunRows.FindById(_db, id);
        public IReadOnlyList<RunRecord> QueryRuns(RunFilter filter) => SqliteRunRows.Query(_db, filter);
        public IReadOnlyList<HistoryRecord> QueryHistory(HistoryFilter filter) => SqliteHistoryRows.Query(_db, filter);
        public HistoryRecord? LastHistoryEntry() => SqliteHistoryRows.Last(_db);
        public IReadOnlyList<string> ListRunNames(string prefix, int limit) => SqliteRunRows.ListNames(_db, prefix, limit);
        public IReadOnlyList<string> ListTags(string prefix, int limit) => SqliteRunRows.ListTags(_db, prefix, limit);

        public ISet<BlobId> ExistingBlobs(IReadOnlyCollection<BlobId> ids)
        {
            var found = SqliteBlobRows.Existing(_db, ids);
            foreach (var id in ids) if (!found.Contains(id) && SqliteChunkRows.Exists(_db, id)) found.Add(id);
            if (found.Count > 0 && SqliteBlobMarks.Any(_db)) found.RemoveWhere(id => SqliteBlobMarks.IsMarked(_db, id));
            return found;
        }

        /// <summary>Listings are rows; chunks are read from their pack (BlobReads: damage met by a read is marked).</summary>
        public bool ReadBlob(BlobId id, StoredBlobHandler handle) => BlobReads.MarkingDamage(_store, _writing, id, () =>
        {
            if (SqliteBlobRows.Read(_db, id, handle)) return true;
            var place = SqliteChunkRows.Find(_db, id);
            if (place == null) return false;
            BlobReads.FromPack(_store.Packs, id, place.Value, handle, () => _store.Read(r => SqliteChunkRows.Find(((SqliteSession)r)._db, id)));
            return true;
        });

        public (int Count, long Bytes) IndexPack(PackInfo pack)
        {
            BlobReads.CheckWhole(_store.Packs, pack);
            return SqliteChunkRows.IndexPack(_db, pack, DateTime.UtcNow);
        }

        public IReadOnlyList<CheckpointRecord> QueryCheckpoints(Guid runId, int? number = null) => SqliteCheckpointRows.Query(_db, runId, number);
        public CheckpointRecord? LatestCheckpoint(Guid runId) => SqliteCheckpointRows.Latest(_db, runId);
        public int LastCheckpointNumber(Guid runId) => SqliteCheckpointRows.LastNumber(_db, runId);
        public int DeleteCheckpoints(Guid runId, IReadOnlyCollection<int> numbers) => SqliteCheckpointRows.Delete(_db, runId, numbers);
        public void KeepCheckpointNumber(Guid runId, int last) => SqliteCheckpointRows.Keep(_db, runId, last);
        public IReadOnlyList<BlobId> RootTrees() => SqliteCheckpointRows.RootTrees(_db);

        /// <summary>Listings (rows, their stored bytes inline) and chunks (their length in a pack).</summary>
        public void ForEachBlob(Action<BlobId, long, string?> visit)
        {
            foreach (var sql in new[] { "SELECT id, length(data), NULL FROM blobs", "SELECT c.id, c.length, p.name FROM chunks c JOIN packs p ON p.id = c.pack" })
            {
                using var cmd = _db.Command(sql);
                using var r = cmd.ExecuteReader();
                while (r.Read()) visit(new BlobId((byte[])r[0]), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2));
            }
        }

        public string? GetMeta(string key) => _db.Scalar("SELECT value FROM store_meta WHERE key = $k", ("$k", key)) as string;

        public void SetMeta(string key, string? value)
        {
            if (value == null) _db.Execute("DELETE FROM store_meta WHERE key = $k", ("$k", key));
            else _db.Execute("INSERT INTO store_meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", ("$k", key), ("$v", value));
        }

        public (int Count, long Bytes) PutBlobs(IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs) => SqliteBlobRows.Put(_db, blobs);
        public void InsertCheckpoint(CheckpointRecord checkpoint) => SqliteCheckpointRows.Insert(_db, checkpoint);

        public RunLock? FindLock(Guid runId) => SqliteLockRows.Find(_db, runId);
        public IReadOnlyList<RunLock> ListLocks() => SqliteLockRows.All(_db);
        public void PutLock(RunLock runLock) => SqliteLockRows.Put(_db, runLock);
        public bool DeleteLock(Guid runId, Guid lockId) => SqliteLockRows.Delete(_db, runId, lockId);
        public bool RenewLock(Guid runId, Guid lockId, DateTime renewedAt, DateTime expiresAt) => SqliteLockRows.Renew(_db, runId, lockId, renewedAt, expiresAt);

        public IReadOnlyList<PackRecord> ListPacks() => SqliteMaintenanceRows.ListPacks(_db);
        public IReadOnlyList<PackEntry> ChunksInPack(string pack) => SqliteMaintenanceRows.ChunksInPack(_db, pack);
        public IReadOnlyList<(BlobId Id, BlobMark Mark, DateTime Since)> MarkedBlobs() => SqliteBlobMarks.All(_db);

        /// <summary>SQLite's quick_check (b-tree structure, without the index-to-table comparison of integrity_check),
        /// and the foreign keys.</summary>
        public IReadOnlyList<string> CheckIndex()
        {
            var found = new List<string>();
            using (var cmd = _db.Command("PRAGMA quick_check"))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) if (r.GetString(0) != "ok") found.Add(r.GetString(0));
            using (var cmd = _db.Command("PRAGMA foreign_key_check"))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) found.Add($"a row of {r.GetString(0)} refers to a missing row of {r.GetString(2)}");
            return found;
        }
        public int MarkBlobs(IEnumerable<BlobId> ids, BlobMark mark, DateTime sinceUtc, string? detail = null) => SqliteBlobMarks.Mark(_db, ids, mark, sinceUtc, detail);
        public int UnmarkBlobs(IEnumerable<BlobId> ids) => SqliteMaintenanceRows.Unmark(_db, ids);
        public (int Listings, int Chunks, long Bytes) DeleteUnreferenced(IEnumerable<BlobId> ids, DateTime markedBy) => SqliteMaintenanceRows.DeleteUnreferenced(_db, ids, markedBy);
        public int MoveChunks(PackInfo pack, bool existing = false) => SqliteMaintenanceRows.MoveChunks(_db, pack, DateTime.UtcNow, existing);
        public int DeleteChunks(IEnumerable<BlobId> ids) => SqliteMaintenanceRows.DeleteChunks(_db, ids);
        public IReadOnlyList<string> DeleteEmptyPacks(IEnumerable<string> names) => SqliteMaintenanceRows.DeleteEmptyPacks(_db, names);

        public StoreSummary Summarize() => new StoreSummary
        {
            Location = _store.Location.Display,
            Backend = _store.BackendName,
            FormatVersion = _store.FormatVersion,
            StoreId = Convert.ToString(_db.Scalar("SELECT value FROM store_meta WHERE key = 'store_id'"), CultureInfo.InvariantCulture) ?? "",
            Runs = Count("SELECT COUNT(*) FROM runs"),
            HistoryEntries = Count("SELECT COUNT(*) FROM history"),
            Checkpoints = Count("SELECT COUNT(*) FROM checkpoints"),
            Chunks = Count("SELECT COUNT(*) FROM chunks") + Count("SELECT COUNT(*) FROM blobs WHERE kind = 0"),
            LogicalBytes = Count("SELECT COALESCE(SUM(logical_bytes), 0) FROM checkpoints"),
            StoredBytes = Count("SELECT COALESCE(SUM(length(data)), 0) FROM blobs") + Count("SELECT COALESCE(SUM(length), 0) FROM chunks"),
            Packs = Count("SELECT COUNT(*) FROM packs"),
            PackBytes = Count("SELECT COALESCE(SUM(length), 0) FROM packs"),
            DamagedBlobs = Count($"SELECT COUNT(*) FROM blob_marks WHERE mark = {(int)BlobMark.Damaged}"),
        };

        public void InsertRun(RunRecord run) => SqliteRunRows.Insert(_db, run);
        public void UpdateRun(RunRecord run) => SqliteRunRows.Update(_db, run);
        public void DeleteRun(Guid id) => SqliteRunRows.Delete(_db, id);

        public HistoryRecord AppendHistory(HistoryDraft draft, Actor actor, DateTime timeUtc) =>
            SqliteHistoryRows.Append(_db, draft, actor, timeUtc);

        private long Count(string sql) => Convert.ToInt64(_db.Scalar(sql), CultureInfo.InvariantCulture);
    }
}
