/**
 * The Spark launcher for the workers of a shared study ({@code descent tune --spark MASTER --workers N}):
 * one job whose tasks each run the worker loop of {@code descent tune --storage … --study …}. Only
 * placement lives here; the study, its budget, heartbeats and retries belong to its storage. Depends on
 * the command line and Spark; nothing depends on this module, so the main jar holds no Spark.
 */
package dev.descent.spark;
