namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>Collects every problem found while reading a grid, so all of them are reported at once.</summary>
internal sealed class ProblemList
{
    private readonly List<GridProblem> _items = [];

    public IReadOnlyList<GridProblem> Items => _items;
    public int Count => _items.Count;

    public void Add(string path, string message) => _items.Add(new GridProblem(path, message));
}
