using System.Text.Json;
using AftSweep.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace AftSweep.Tests.Observability;

/// <summary>
/// The deployment files as written (no Docker engine or Grafana here): dashboards are valid Grafana JSON using the
/// provisioned datasource, docker-compose.yml parses and references only files that exist, and the Prometheus
/// targets are the compose silos' metrics ports.
/// </summary>
public sealed class DeploymentConfigTests
{
    private static readonly string Root = RepositoryRoot.Find();

    [Fact]
    public void Dashboards_Json_AreValidGrafanaDashboardsOnTheProvisionedDatasource()
    {
        var datasourceUid = ProvisionedDatasourceUid();
        var files = Dashboards.Files();
        Assert.Equal(["feature-cache.json", "science.json", "silos-and-devices.json", "sweeps.json"], files.Select(Path.GetFileName));
        var uids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            using var doc = Dashboards.Load(file);
            var root = doc.RootElement;
            Assert.True(root.TryGetProperty("schemaVersion", out var schema) && schema.ValueKind == JsonValueKind.Number && schema.GetInt32() >= 36,
                $"{name}: schemaVersion must be a number >= 36");
            Assert.True(uids.Add(Text(root, "uid", name)), $"{name}: dashboard uid is not unique");
            Text(root, "title", name);
            var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
            foreach (var required in Dashboards.RequiredVariables)
            {
                Assert.True(variables.TryGetValue(required, out var variable), $"{name}: no '{required}' variable");
                Assert.Equal(datasourceUid, variable.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.Equal(".*", variable.GetProperty("allValue").GetString());
            }
            var panels = Dashboards.Panels(root).ToList();
            Assert.True(panels.Count >= 3, $"{name}: only {panels.Count} panels");
            var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
            Assert.True(ids.Distinct().Count() == ids.Count, $"{name}: panel ids are not unique ({string.Join(",", ids)})");
            foreach (var panel in panels)
            {
                var title = Text(panel, "title", name);
                Assert.Equal(datasourceUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.True(panel.TryGetProperty("gridPos", out _), $"{name} / {title}: no gridPos");
                var targets = panel.GetProperty("targets").EnumerateArray().ToList();
                Assert.NotEmpty(targets);
                Assert.Equal(targets.Count, targets.Select(t => Text(t, "refId", $"{name} / {title}")).Distinct().Count());
                foreach (var target in targets)
                {
                    Assert.Equal(datasourceUid, target.GetProperty("datasource").GetProperty("uid").GetString());
                    var expr = Text(target, "expr", $"{name} / {title}");
                    // Every panel follows the silo selector; sweep series follow the sweep selector too.
                    Assert.Contains("instance=~\"$silo\"", expr);
                    if (expr.Contains("aftsweep_sweep_", StringComparison.Ordinal) || expr.Contains("aftsweep_science_", StringComparison.Ordinal))
                        Assert.Contains("sweep=~\"$sweep\"", expr);
                }
            }
        }
    }

    [Fact]
    public void DockerCompose_Parses_AndEveryReferencedFileExists()
    {
        foreach (var composeFile in new[] { "docker-compose.yml", "docker-compose.cpu.yml" })
        {
            var services = Services(composeFile);
            foreach (var (name, service) in services)
            {
                if (Child(service, "build") is YamlMappingNode build)
                {
                    var context = Path.Combine(Root, Scalar(build, "context") ?? ".");
                    if (Scalar(build, "dockerfile") is { } dockerfile)
                    {
                        var path = Path.Combine(context, dockerfile);
                        Assert.True(File.Exists(path), $"{composeFile}: service {name}: dockerfile {dockerfile} does not exist");
                        foreach (var source in CopySources(path))
                            Assert.True(File.Exists(Path.Combine(context, source)) || Directory.Exists(Path.Combine(context, source)),
                                $"{dockerfile}: COPY source {source} does not exist");
                    }
                }
                foreach (var volume in Sequence(service, "volumes"))
                {
                    var source = volume.Split(':')[0];
                    if (!source.StartsWith('.')) continue; // a named volume
                    var path = Path.Combine(Root, source);
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"{composeFile}: service {name}: volume source {source} does not exist");
                }
            }
        }
    }

    [Fact]
    public void DockerCompose_Stack_HasAzuriteSilosWithGpusPrometheusGrafanaAndClient()
    {
        var services = Services("docker-compose.yml");
        foreach (var required in new[] { "azurite", "silo1", "silo2", "prometheus", "grafana", "client" })
            Assert.True(services.ContainsKey(required), $"docker-compose.yml: no service '{required}'");
        foreach (var silo in new[] { "silo1", "silo2" })
        {
            var devices = (YamlSequenceNode)At(services[silo], "deploy", "resources", "reservations", "devices");
            Assert.Contains(devices.Cast<YamlMappingNode>(), d => Scalar(d, "driver") == "nvidia");
        }
        Assert.Contains("./infra/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", Sequence(services["prometheus"], "volumes"));
        // Grafana's dashboard provider reads the folder the compose file mounts the dashboards into.
        var provider = LoadYaml(Path.Combine("infra", "grafana", "provisioning", "dashboards", "aftsweep.yml"));
        var providerPath = Scalar((YamlMappingNode)At(((YamlSequenceNode)provider.Children[new YamlScalarNode("providers")]).Children[0], "options"), "path");
        Assert.Contains($"./infra/grafana/dashboards:{providerPath}:ro", Sequence(services["grafana"], "volumes"));
        Assert.Contains("./infra/grafana/provisioning:/etc/grafana/provisioning:ro", Sequence(services["grafana"], "volumes"));
    }

    [Fact]
    public void DockerCompose_EveryVariable_IsOneTheCodeReads_WithAValueOfItsType()
    {
        foreach (var composeFile in new[] { "docker-compose.yml", "docker-compose.cpu.yml" })
        {
            foreach (var (name, service) in Services(composeFile))
            {
                var environment = EnvironmentOf(service);
                bool Referenced(string variable) => environment.Values.Any(v => v == $"azure:{variable}");
                if (name.StartsWith("silo", StringComparison.Ordinal))
                {
                    foreach (var (variable, value) in environment)
                    {
                        if (variable.Contains("__", StringComparison.Ordinal))
                        {
                            var key = variable.Replace("__", ":", StringComparison.Ordinal);
                            var type = AftSweep.Silo.Configuration.SiloConfigurationKeys.TypeOf(key);
                            Assert.True(type is not null || AftSweep.Silo.Configuration.SiloConfigurationKeys.IsPassThrough(key),
                                $"{composeFile}: {name} sets {variable}, which the silo does not bind");
                            if (type is not null && !value.Contains("${", StringComparison.Ordinal))
                                Assert.True(AftSweep.Infra.Configuration.ValueConversion.Problem(value, type) is null, $"{composeFile}: {name}: {variable}={value} is not a {type.Name}");
                        }
                        else
                        {
                            Assert.True(AftSweep.Silo.Configuration.SiloEnvironment.Variables.Contains(variable) || Referenced(variable),
                                $"{composeFile}: {name} sets {variable}, which the silo does not read");
                        }
                    }
                }
                else if (name == "client")
                {
                    foreach (var variable in environment.Keys)
                        Assert.True(AftSweep.Client.Commands.ClientEnvironment.Variables.Contains(variable) || Referenced(variable),
                            $"{composeFile}: client sets {variable}, which aftsweep does not read (it reads {string.Join(", ", AftSweep.Client.Commands.ClientEnvironment.Variables)})");
                }
            }
        }
    }

    [Fact]
    public void DockerCompose_ClientAndSilos_ReachTheSameClusterAndStore()
    {
        var services = Services("docker-compose.yml");
        var silo = EnvironmentOf(services["silo1"]);
        var client = EnvironmentOf(services["client"]);
        // The two silos differ in their address only.
        Assert.Equal(silo.Where(kv => kv.Key != "Cluster__Address").OrderBy(kv => kv.Key, StringComparer.Ordinal),
            EnvironmentOf(services["silo2"]).Where(kv => kv.Key != "Cluster__Address").OrderBy(kv => kv.Key, StringComparer.Ordinal));

        // The client resolves its variables exactly as aftsweep does: Azure clustering on the silos' storage account and cluster id.
        var cluster = AftSweep.Client.Commands.ClusterAccess.ClusterTarget.Parse(client["AFTSWEEP_CLUSTER"], v => client.GetValueOrDefault(v));
        Assert.Equal(AftSweep.Infra.Orleans.ClusteringMode.Azure, cluster.Clustering);
        Assert.Equal(silo["Cluster__Clustering"], cluster.Clustering.ToString());
        Assert.Equal(silo["Cluster__AzureStorageConnectionString"], cluster.AzureStorageConnectionString);
        Assert.Equal(silo["Cluster__ClusterId"], client["AFTSWEEP_CLUSTER_ID"]);
        // One feature store for both, in Azurite: the silos' Engine:Store and the client's AFTSWEEP_STORAGE.
        var siloStore = AftSweep.Infra.Storage.StoreLocation.Resolve(silo["Engine__Store"], v => silo.GetValueOrDefault(v));
        var clientStore = AftSweep.Infra.Storage.StoreLocation.Resolve(null, v => client.GetValueOrDefault(v));
        Assert.Equal(AftSweep.Infra.Storage.StoreBackend.Azure, siloStore.Backend);
        Assert.Equal(siloStore.ConnectionString, clientStore.ConnectionString);
        Assert.Contains("azurite:10000", siloStore.ConnectionString);
    }

    [Fact]
    public void DockerCompose_ClientCommandFiles_AreInItsVolumes_AndNamedVolumesAreDeclared()
    {
        var root = LoadYaml("docker-compose.yml");
        var declared = ((YamlMappingNode)root.Children[new YamlScalarNode("volumes")]).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToHashSet();
        foreach (var (name, service) in Services("docker-compose.yml"))
        {
            foreach (var source in Sequence(service, "volumes").Select(v => v.Split(':')[0]).Where(s => !s.StartsWith('.')))
                Assert.True(declared.Contains(source), $"docker-compose.yml: {name} mounts volume {source}, which is not declared");
        }
        var client = Services("docker-compose.yml")["client"];
        var mounts = Sequence(client, "volumes").Select(v => v.Split(':')).Where(p => p[0].StartsWith('.')).ToDictionary(p => p[1], p => p[0]);
        var files = ((YamlSequenceNode)Child(client, "command")!).Cast<YamlScalarNode>().Select(n => n.Value!).Where(a => a.StartsWith('/')).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var mount = mounts.Keys.Single(m => file.StartsWith(m + "/", StringComparison.Ordinal));
            var local = Path.Combine(Root, mounts[mount], file[(mount.Length + 1)..]);
            Assert.True(File.Exists(local), $"docker-compose.yml: the client's default command names {file}, which is {local} on the host: missing");
        }
    }

    [Fact]
    public void DockerCompose_EachSiloReservesOneConfigurableGpu()
    {
        var services = Services("docker-compose.yml");
        var defaults = new List<string>();
        foreach (var (silo, index) in new[] { ("silo1", 1), ("silo2", 2) })
        {
            var devices = (YamlSequenceNode)At(services[silo], "deploy", "resources", "reservations", "devices");
            var ids = ((YamlSequenceNode)Child((YamlMappingNode)Assert.Single(devices), "device_ids")!).Cast<YamlScalarNode>().Select(n => n.Value!).ToList();
            var id = Assert.Single(ids);
            var match = System.Text.RegularExpressions.Regex.Match(id, $@"^\$\{{AFTSWEEP_SILO{index}_GPU:-(\d+)\}}$");
            Assert.True(match.Success, $"{silo}: device_ids should be [\"${{AFTSWEEP_SILO{index}_GPU:-N}}\"], got {id}");
            defaults.Add(match.Groups[1].Value);
        }
        Assert.Equal(defaults.Count, defaults.Distinct().Count()); // by default each silo has its own GPU
    }

    [Fact]
    public void PrometheusConfig_Targets_AreTheComposeSilosMetricsPorts()
    {
        var services = Services("docker-compose.yml");
        var silos = services.Where(kv => kv.Key.StartsWith("silo", StringComparison.Ordinal)).ToList();
        var expected = silos.Select(kv => $"{kv.Key}:{Scalar((YamlMappingNode)Child(kv.Value, "environment")!, "Http__Port")}").Order().ToList();
        var config = LoadYaml(Path.Combine("infra", "prometheus", "prometheus.yml"));
        var targets = ((YamlSequenceNode)config.Children[new YamlScalarNode("scrape_configs")])
            .Cast<YamlMappingNode>()
            .SelectMany(job => ((YamlSequenceNode)job.Children[new YamlScalarNode("static_configs")]).Cast<YamlMappingNode>())
            .SelectMany(s => ((YamlSequenceNode)s.Children[new YamlScalarNode("targets")]).Cast<YamlScalarNode>().Select(t => t.Value!))
            .Order().ToList();
        Assert.Equal(expected, targets);
    }

    [Fact]
    public void PrometheusConfig_Rewrite_KeepsTheFileButOnlyTheGivenTargets()
    {
        var rewritten = PrometheusServer.RewriteConfig(Path.Combine(Root, "infra", "prometheus", "prometheus.yml"), ["127.0.0.1:1234"], TimeSpan.FromSeconds(1));
        Assert.Contains("127.0.0.1:1234", rewritten);
        Assert.DoesNotContain("silo1", rewritten);
        Assert.Contains("metrics_path: /metrics", rewritten);
        Assert.Contains("scrape_interval: 1s", rewritten);
    }

    private static string ProvisionedDatasourceUid()
    {
        var doc = LoadYaml(Path.Combine("infra", "grafana", "provisioning", "datasources", "prometheus.yml"));
        var first = (YamlMappingNode)((YamlSequenceNode)doc.Children[new YamlScalarNode("datasources")]).Children[0];
        return Scalar(first, "uid") ?? throw new InvalidDataException("the provisioned datasource has no uid");
    }

    private static Dictionary<string, YamlMappingNode> Services(string composeFile)
    {
        var root = LoadYaml(composeFile);
        var services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];
        return services.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (YamlMappingNode)kv.Value);
    }

    /// <summary>A service's environment, merge keys (&lt;&lt;: *anchor) followed, later keys overriding merged ones.</summary>
    private static Dictionary<string, string> EnvironmentOf(YamlMappingNode service)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(YamlMappingNode node)
        {
            if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var merged) && merged is YamlMappingNode parent) Add(parent);
            foreach (var (key, value) in node.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                if (name != "<<") result[name] = ((YamlScalarNode)value).Value ?? "";
            }
        }
        if (Child(service, "environment") is YamlMappingNode environment) Add(environment);
        return result;
    }

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, relativePath))) yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    /// <summary>A child, following YAML merge keys (&lt;&lt;: *anchor) the way Compose does.</summary>
    private static YamlNode? Child(YamlMappingNode node, string key)
    {
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var value)) return value;
        return node.Children.TryGetValue(new YamlScalarNode("<<"), out var merged) && merged is YamlMappingNode parent ? Child(parent, key) : null;
    }

    private static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (n, k) => Child((YamlMappingNode)n, k) ?? throw new KeyNotFoundException($"no '{k}' under {n.Start}"));

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static IEnumerable<string> Sequence(YamlMappingNode node, string key) =>
        Child(node, key) is YamlSequenceNode seq ? seq.Cast<YamlScalarNode>().Select(s => s.Value!) : [];

    private static IEnumerable<string> CopySources(string dockerfile) =>
        File.ReadAllLines(dockerfile)
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]);

    private static string Text(JsonElement element, string property, string where)
    {
        Assert.True(element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0,
            $"{where}: '{property}' missing or empty");
        return value.GetString()!;
    }
}
