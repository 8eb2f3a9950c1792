using System;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Stores;

namespace PersistStore.Infrastructure
{
    /// <summary>
    /// A cmdlet about one checkpoint: -Run (optional when a Checkpoint object says which run) and the store a
    /// piped object came from.
    /// </summary>
    public abstract class CheckpointCmdlet : StoreCmdlet
    {
        /// <summary>The run: a name, an id, or a Run object; taken from a Checkpoint object when not given.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity? Run { get; set; }

        private protected (IStoreBackend Backend, ResolvedStore Resolved, RunRef Run) Resolve(CheckpointIdentity? checkpoint)
        {
            var (backend, resolved) = OpenStore(createIfMissing: false, Run?.StoreValue ?? checkpoint?.StoreValue);
            RunRef? run = Run != null ? ToRunRef(Run) : checkpoint?.RunId is Guid id ? RunRef.ForId(id) : null;
            if (run == null)
                throw new PersistStoreException("RunRequired", ErrorKind.InvalidArgument, null,
                    "Say which run: give -Run, or pipe a Checkpoint object from Get-Checkpoint.");
            return (backend, resolved, run);
        }

        internal static IProgress<SnapshotProgress> ReportProgress(PipelinePump pump) =>
            new ReportTo<SnapshotProgress>(p => pump.Progress(() =>
                p.FoundAll
                    ? $"{p.FilesDone:N0} of {p.FilesFound:N0} files ({p.BytesDone / 1048576.0:N1} of {p.BytesFound / 1048576.0:N1} MiB), {p.FilesRead:N0} read"
                    : $"{p.FilesDone:N0} files ({p.BytesDone / 1048576.0:N1} MiB), {p.FilesRead:N0} read; still counting the folder",
                p.Percent));

        internal static Action<PersistStoreException> ReportErrors(PipelinePump pump) =>
            e => pump.Post(c => { if (e is PersistStoreWarning) c.WriteWarning(e.Message); else c.WriteError(ErrorRecords.From(e)); });
    }
}
