namespace AftSweep.Contracts.Grid;

/// <summary>One thing wrong with a grid file: where (a JSON path such as <c>methods.kd.lambdas[1]</c>, or <c>$</c> for the
/// document itself) and what.</summary>
public sealed record GridProblem(string Path, string Message)
{
    /// <summary>Always one line (line breaks shown as \n), so tools can read one problem per line.</summary>
    public override string ToString() => $"{Path}: {Message.ReplaceLineEndings("\\n")}";
}
