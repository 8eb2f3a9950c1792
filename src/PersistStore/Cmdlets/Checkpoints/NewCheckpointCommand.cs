using System.Management.Automation;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Model;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Takes a checkpoint of a run: its directory (deduplicated chunks), properties and tags.</summary>
    [Cmdlet(VerbsCommon.New, "Checkpoint", SupportsShouldProcess = true)]
    [OutputType(typeof(Checkpoint))]
    public sealed class NewCheckpointCommand : RunParameterCmdlet
    {
        [Parameter(Position = 1)]
        public string? Message { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                if (!ShouldProcess($"run '{Run}' in {resolved.Location.Display}", "Create checkpoint")) return;
                var pump = new PipelinePump(1, $"Checkpoint of run '{Run}'");
                var service = new CheckpointService(backend, Caller);
                var checkpoint = pump.Run(this, () => service.Create(ToRunRef(Run), Message, CheckpointKinds.Manual,
                    CheckpointCmdlet.ReportErrors(pump), CheckpointCmdlet.ReportProgress(pump), Cancellation));
                WriteVerbose($"Checkpoint {checkpoint.Number} of '{checkpoint.RunName}': {checkpoint.Files} files, {checkpoint.LogicalBytes} bytes, {checkpoint.NewBytes} new bytes stored.");
                WriteObject(OutputObjects.ToCheckpoint(checkpoint, resolved.Location));
            });
        }
    }
}
