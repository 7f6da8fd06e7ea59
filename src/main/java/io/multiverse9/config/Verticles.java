package io.multiverse9.config;

/** How many instances of each verticle a node deploys ({@code verticles.*}). */
public record Verticles(int node, int storage, int peer) {
}
