using System.Linq;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Checkpoints;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Lists a run's checkpoints, oldest first, or the given numbers, or the latest.</summary>
    [Cmdlet(VerbsCommon.Get, "Checkpoint", DefaultParameterSetName = "Number")]
    [OutputType(typeof(Checkpoint))]
    public sealed class GetCheckpointCommand : RunParameterCmdlet
    {
        [Parameter(Position = 1, ParameterSetName = "Number")]
        [Alias("Number")]
        [ValidateRange(1, int.MaxValue)]
        [ArgumentCompleter(typeof(CheckpointNumberCompleter))]
        public int[]? Checkpoint { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Latest")]
        public SwitchParameter Latest { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                var service = new CheckpointService(backend, Caller);
                var found = Latest ? new[] { service.Get(ToRunRef(Run), null, Cancellation) }
                    : Checkpoint != null ? Checkpoint.Select(n => service.Get(ToRunRef(Run), n, Cancellation)).ToArray()
                    : service.List(ToRunRef(Run), Cancellation).ToArray();
                foreach (var c in found) WriteObject(OutputObjects.ToCheckpoint(c, resolved.Location));
            });
        }
    }
}
