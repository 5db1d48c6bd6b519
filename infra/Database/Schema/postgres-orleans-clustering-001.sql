-- Cluster membership for Orleans' ADO.NET clustering provider (Microsoft.Orleans.Clustering.AdoNet 10.4.2, invariant
-- "Npgsql"), schema 1. The provider runs the statements it finds in OrleansQuery under fixed keys, with fixed
-- parameter and column names; this file implements that contract for PostgreSQL (written for AftSweep; the Orleans
-- NuGet packages ship no SQL). Applied by `aftsweep db init`.

CREATE TABLE OrleansQuery (
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- One row per cluster (DeploymentId is the Orleans cluster id): the membership table's version, the ETag every
-- membership change must match.
CREATE TABLE OrleansMembershipVersionTable (
    DeploymentId varchar(150)   NOT NULL PRIMARY KEY,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE OrleansMembershipTable (
    DeploymentId varchar(150)   NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,   -- Orleans SiloStatus: 3 active, 6 dead
    ProxyPort    integer,
    SuspectTimes varchar(8000),
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Adds a silo's row and bumps the cluster's version, if the version is still the one the silo read. The version row
-- is locked first, so concurrent changes queue on it and each re-checks the version (READ COMMITTED re-reads the
-- locked row): exactly one change per version succeeds.
CREATE FUNCTION aftsweep_membership_insert(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_silo_name text, p_host_name text,
    p_status integer, p_proxy_port integer, p_start_time timestamptz, p_i_am_alive timestamptz, p_version integer)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = p_deployment AND Version = p_version FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now() WHERE DeploymentId = p_deployment;
    RETURN true;
END
$$;

-- Changes a silo's status and suspicions and bumps the version, under the same rule as the insert.
CREATE FUNCTION aftsweep_membership_update(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_status integer, p_suspect_times text,
    p_i_am_alive timestamptz, p_version integer)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = p_deployment AND Version = p_version FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE OrleansMembershipTable
       SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive
     WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port AND Generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now() WHERE DeploymentId = p_deployment;
    RETURN true;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey',
 'WITH inserted AS (
      INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
      ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
  SELECT COUNT(*) > 0 FROM inserted'),
('InsertMembershipKey',
 'SELECT aftsweep_membership_insert(@DeploymentId::text, @Address::text, @Port::integer, @Generation::integer,
      @SiloName::text, @HostName::text, @Status::integer, @ProxyPort::integer, @StartTime::timestamptz,
      @IAmAliveTime::timestamptz, @Version::integer)'),
('UpdateMembershipKey',
 'SELECT aftsweep_membership_update(@DeploymentId::text, @Address::text, @Port::integer, @Generation::integer,
      @Status::integer, @SuspectTimes::text, @IAmAliveTime::timestamptz, @Version::integer)'),
('UpdateIAmAlivetimeKey',
 'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime::timestamptz
   WHERE DeploymentId = @DeploymentId::text AND Address = @Address::text AND Port = @Port::integer
     AND Generation = @Generation::integer'),
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
         AND m.Address = @Address::text AND m.Port = @Port::integer AND m.Generation = @Generation::integer
   WHERE v.DeploymentId = @DeploymentId::text'),
('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
   WHERE v.DeploymentId = @DeploymentId::text'),
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId::text AND Status = @Status::integer AND ProxyPort > 0'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId::text;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId::text'),
-- Rows of dead silos whose last heartbeat is older than the cutoff.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId::text AND IAmAliveTime < @IAmAliveTime::timestamptz AND Status = 6'),
-- One dead silo's row, only if it is still exactly as the caller read it.
('CleanupDefunctSiloEntryKey',
 'DELETE FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId::text AND Status = 6 AND Address = @Address::text AND Port = @Port::integer
     AND Generation = @Generation::integer AND IAmAliveTime = @IAmAliveTime::timestamptz
     AND StartTime = @StartTime::timestamptz AND SuspectTimes IS NOT DISTINCT FROM @SuspectTimes::text');
