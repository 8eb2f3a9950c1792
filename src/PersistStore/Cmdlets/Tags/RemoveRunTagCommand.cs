using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Removes tags from a run (case-insensitively); tags the run does not carry are ignored.</summary>
    [Cmdlet(VerbsCommon.Remove, "RunTag", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class RemoveRunTagCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity Run { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[] Tag { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                foreach (var tag in Tag) TagList.ValidateOne(tag);
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                var service = new RunService(backend);
                if (!ShouldProcess($"run '{Run}'", $"Remove tags [{string.Join(", ", Tag)}]"))
                {
                    service.Get(ToRunRef(Run), Cancellation);
                    return;
                }
                var run = service.RemoveTags(ToRunRef(Run), Tag, Cancellation);
                if (PassThru) WriteObject(OutputObjects.ToRun(run, resolved.Location));
            });
        }
    }
}
