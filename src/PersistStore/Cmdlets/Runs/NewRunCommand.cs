using System.Collections;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    [Cmdlet(VerbsCommon.New, "Run", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class NewRunCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName")]
        public string Name { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter]
        [Alias("Property")]
        public Hashtable? Properties { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[]? Tag { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Name, () =>
            {
                var request = RunService.Prepare(new NewRunRequest
                {
                    Name = Name, Description = Description, Path = Path == null ? null : FullPath(Path),
                    Properties = PowerShellValues.ToProperties(Properties), Tags = Tag ?? new string[0],
                });
                if (!ShouldProcess($"run '{Name}'", "Create run")) return;
                var (backend, resolved) = OpenStore(createIfMissing: true);
                var run = new RunService(backend, Caller).Create(request, Cancellation);
                WriteObject(OutputObjects.ToRun(run, resolved.Location));
            });
        }
    }
}
