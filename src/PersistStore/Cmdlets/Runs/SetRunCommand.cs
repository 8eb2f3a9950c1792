using System.Collections;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Changes a run's description, tracked directory and properties.</summary>
    [Cmdlet(VerbsCommon.Set, "Run", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class SetRunCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity Run { get; set; } = null!;

        /// <summary>The new description; an empty string clears it.</summary>
        [Parameter]
        [AllowEmptyString]
        public string? Description { get; set; }

        [Parameter]
        public string? Path { get; set; }

        [Parameter]
        public SwitchParameter ClearPath { get; set; }

        /// <summary>Properties to set (merged into the existing ones unless -ReplaceProperties).</summary>
        [Parameter]
        [Alias("Property")]
        public Hashtable? Properties { get; set; }

        [Parameter]
        public SwitchParameter ReplaceProperties { get; set; }

        [Parameter]
        public string[]? RemoveProperty { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var changes = new RunChanges
                {
                    Description = string.IsNullOrEmpty(Description) ? null : Description,
                    ClearDescription = Description != null && Description.Length == 0,
                    Path = Path == null ? null : FullPath(Path),
                    ClearPath = ClearPath,
                    Properties = Properties == null ? null : PowerShellValues.ToProperties(Properties),
                    ReplaceProperties = ReplaceProperties,
                    RemoveProperties = RemoveProperty,
                };
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                var service = new RunService(backend);
                if (!ShouldProcess($"run '{Run}'", "Set description, path or properties"))
                {
                    service.Get(ToRunRef(Run), Cancellation);   // -WhatIf still reports an unknown run
                    return;
                }
                var run = service.Update(ToRunRef(Run), changes, Cancellation);
                if (PassThru) WriteObject(OutputObjects.ToRun(run, resolved.Location));
            });
        }
    }
}
