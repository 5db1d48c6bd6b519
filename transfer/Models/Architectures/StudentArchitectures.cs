namespace AftSweep.Transfer.Models.Architectures;

/// <summary>Every downstream architecture, by grid name (one registry: grid parsing, the factory and the benchmark
/// read it).</summary>
public static class StudentArchitectures
{
    private static readonly Dictionary<string, StudentArchitecture> ByName = new StudentArchitecture[]
    {
        new MlpArchitecture(),
        new CnnSmallArchitecture(),
        ResNetArchitecture.ResNet18,
        ResNetArchitecture.ResNet50,
        new VitArchitecture(),
        new BertArchitecture(),
        new TextTransformerArchitecture(),
        new DanArchitecture(),
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static StudentArchitecture Get(string name) =>
        ByName.TryGetValue(name, out var architecture) ? architecture
            : throw new ArgumentException($"downstream.model '{name}' is not one of {string.Join(", ", ByName.Keys)}");
}
