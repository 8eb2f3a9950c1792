using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Checkpoints;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Differences between a reference checkpoint and a difference checkpoint, or the run's live directory
    /// (the default), one object per Added / Modified / Removed path, as Compare-Object names the two sides.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "Checkpoint")]
    [OutputType(typeof(CheckpointChange))]
    public sealed class CompareCheckpointCommand : CheckpointCmdlet
    {
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(CheckpointNumberCompleter))]
        public CheckpointIdentity Reference { get; set; } = null!;

        [Parameter(Position = 2)]
        [ArgumentCompleter(typeof(CheckpointNumberCompleter))]
        public CheckpointIdentity? Difference { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run?.ToString() ?? Reference.ToString(), () =>
            {
                var (backend, _, run) = Resolve(Reference);
                var checkpoints = new CheckpointService(backend, Caller);
                var reference = checkpoints.Get(run, Reference.Number, Cancellation);
                var restore = new RestoreService(backend, Caller);
                if (Difference != null)
                {
                    foreach (var change in restore.Compare(reference, checkpoints.Get(run, Difference.Number, Cancellation), Cancellation))
                        WriteObject(OutputObjects.ToChange(reference.RunName, change));
                    return;
                }
                string folder = new Engine.Runs.RunService(backend).Get(run, Cancellation).Path
                    ?? throw new Engine.Errors.PersistStoreException("RunHasNoPath", Engine.Errors.ErrorKind.InvalidOperation, reference.RunName,
                        $"The run '{reference.RunName}' has no directory to compare with; give -Difference to compare two checkpoints.");
                var pump = new PipelinePump(2, $"Comparing checkpoint {reference.Number} of '{reference.RunName}' with {folder}");
                foreach (var change in pump.Run(this, () => restore.CompareWithLive(reference, folder, Cancellation)))
                    WriteObject(OutputObjects.ToChange(reference.RunName, change));
            });
        }
    }
}
