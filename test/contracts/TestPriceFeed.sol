// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The read side of a Chainlink AggregatorV3 (`decimals`, `latestRoundData`) with a settable answer.
contract TestPriceFeed {
    uint8 public decimals;
    int256 private answer;
    uint256 private updatedAt;
    uint80 private roundId;

    constructor(uint8 decimals_, int256 answer_) {
        decimals = decimals_;
        _set(answer_, block.timestamp);
    }

    /// `at` 0 means now.
    function setAnswer(int256 answer_, uint256 at) external {
        _set(answer_, at == 0 ? block.timestamp : at);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }

    function _set(int256 answer_, uint256 at) private {
        roundId += 1;
        answer = answer_;
        updatedAt = at;
    }
}
